"""Builders for spreadsheets a person might really send: odd headers, error cells, damage."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any


def write_sheet(path: Path, header: list[Any], *rows: list[Any]) -> Path:
    """An .xlsx whose first sheet holds exactly these cells (openpyxl writes "#N/A" as an
    error cell, as Excel would)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def break_shared_strings(path: Path) -> Path:
    """Point cell A2 at a shared string the workbook does not have."""
    damaged = path.with_name("damaged-" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(
                    rb'<c r="A2" t="inlineStr"><is><t>[^<]*</t></is></c>',
                    b'<c r="A2" t="s"><v>9999</v></c>',
                    data,
                )
                assert count == 1
            dst.writestr(item, data)
    return damaged
