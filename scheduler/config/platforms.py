"""`[platforms.*]`: each platform's mode, API base, timeout and post template."""

from __future__ import annotations

import datetime as dt
import re

from scheduler.config.model import (
    DEFAULT_LINKEDIN_TEMPLATE,
    DEFAULT_X_TEMPLATE,
    LinkedInConfig,
    Mode,
    PlatformsConfig,
    PostTemplate,
    XConfig,
)
from scheduler.config.reader import Reader
from scheduler.config.values import (
    LINKEDIN_MENTION,
    MAX_TIMEOUT,
    X_MENTION,
    parse_duration,
    parse_https,
    template_problems,
)


def read_platforms(root: Reader) -> PlatformsConfig:
    plat = root.table("platforms")
    xr = plat.table("x")
    x = XConfig(
        enabled=xr.get("enabled", bool, True),
        mode=_mode(xr),
        api_base=xr.convert("api_base", "https://api.x.com", parse_https, "https://api.x.com"),
        username=xr.get("username", str, ""),
        timeout=xr.convert("timeout", "30s", parse_duration, dt.timedelta(seconds=30)),
        post=_post_template(xr, DEFAULT_X_TEMPLATE, ("NHSLibraries",)),
    )
    xr.finish()
    lr = plat.table("linkedin")
    linkedin = LinkedInConfig(
        enabled=lr.get("enabled", bool, True),
        mode=_mode(lr),
        api_base=lr.convert(
            "api_base", "https://api.linkedin.com", parse_https, "https://api.linkedin.com"
        ),
        oauth_base=lr.convert(
            "oauth_base", "https://www.linkedin.com", parse_https, "https://www.linkedin.com"
        ),
        version=lr.get("version", str, "202610"),
        author=lr.get("author", str, "urn:li:organization:0"),
        timeout=lr.convert("timeout", "30s", parse_duration, dt.timedelta(seconds=30)),
        post=_post_template(lr, DEFAULT_LINKEDIN_TEMPLATE, ("NHSLibraries", "EvidenceBased")),
    )
    for name, platform_timeout in (("x", x.timeout), ("linkedin", linkedin.timeout)):
        if not dt.timedelta(seconds=1) <= platform_timeout <= MAX_TIMEOUT:
            # Bounded so that a send still in flight can never be mistaken for a dead one.
            plat.problem(f"{name}.timeout", "must be between 1s and 2m")
    if not re.fullmatch(r"20\d{2}(0[1-9]|1[0-2])", linkedin.version):
        lr.problem("version", f"{linkedin.version!r} is not a LinkedIn-Version like '202610'")
    if not re.fullmatch(r"urn:li:(organization|person):[A-Za-z0-9_-]+", linkedin.author):
        lr.problem(
            "author", f"{linkedin.author!r} is not urn:li:organization:N or urn:li:person:ID"
        )
    lr.finish()
    plat.finish()

    return PlatformsConfig(x=x, linkedin=linkedin)


def _post_template(r: Reader, default_template: str, default_tags: tuple[str, ...]) -> PostTemplate:
    template = r.get("template", str, default_template)
    for problem in template_problems(template):
        r.problem("template", problem)
    hashtags = r.strings("hashtags", default_tags)
    for tag in hashtags:
        bare = tag.strip().lstrip("#＃")
        if not re.fullmatch(r"\w+", bare) or not any(ch.isalpha() for ch in bare):
            r.problem("hashtags", f"{tag!r} is not a hashtag (letters, digits and _)")
    mentions = r.strings("mentions", ())
    rule = X_MENTION if r.prefix.endswith(".x") else LINKEDIN_MENTION
    example = "@handle" if rule is X_MENTION else "@[Name](urn:li:organization:123)"
    for mention in mentions:
        if not rule.fullmatch(mention.strip()):
            r.problem("mentions", f"{mention!r} is not a mention like {example}")
    return PostTemplate(template=template, hashtags=hashtags, mentions=mentions)


def _mode(r: Reader) -> Mode:
    mode = r.get("mode", str, "outbox")
    if mode not in ("outbox", "live"):
        r.problem("mode", f"{mode!r} is not 'outbox' or 'live'")
        return "outbox"
    return mode  # type: ignore[return-value]
