"""`[platforms.*]`: each platform's mode, API base, timeout and post template."""

from __future__ import annotations

import datetime as dt
import re

from scheduler.config.model import (
    DEFAULT_BLUESKY_TEMPLATE,
    DEFAULT_LINKEDIN_TEMPLATE,
    DEFAULT_X_TEMPLATE,
    BlueskyConfig,
    LinkedInConfig,
    Mode,
    PlatformsConfig,
    PostTemplate,
    XConfig,
)
from scheduler.config.reader import Reader
from scheduler.config.values import (
    BLUESKY_HANDLE,
    BLUESKY_MENTION,
    LANGUAGE_TAG,
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
    bluesky = _bluesky(plat.table("bluesky"))
    for name, platform_timeout in (
        ("x", x.timeout),
        ("linkedin", linkedin.timeout),
        ("bluesky", bluesky.timeout),
    ):
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

    return PlatformsConfig(x=x, linkedin=linkedin, bluesky=bluesky)


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
    rule, example = {
        "x": (X_MENTION, "@handle"),
        "bluesky": (BLUESKY_MENTION, "@name.bsky.social"),
    }.get(r.prefix.rsplit(".", 1)[-1], (LINKEDIN_MENTION, "@[Name](urn:li:organization:123)"))
    for mention in mentions:
        if not rule.fullmatch(mention.strip()):
            r.problem("mentions", f"{mention!r} is not a mention like {example}")
    return PostTemplate(template=template, hashtags=hashtags, mentions=mentions)


def _bluesky(br: Reader) -> BlueskyConfig:
    """`[platforms.bluesky]`: off unless enabled (see docs/platforms.md for why)."""
    bluesky = BlueskyConfig(
        enabled=br.get("enabled", bool, False),
        mode=_mode(br),
        service=br.convert("service", "https://bsky.social", parse_https, "https://bsky.social"),
        handle=br.get("handle", str, "").strip().lstrip("@"),
        langs=br.strings("langs", ("en-GB",)),
        timeout=br.convert("timeout", "30s", parse_duration, dt.timedelta(seconds=30)),
        post=_post_template(br, DEFAULT_BLUESKY_TEMPLATE, ("NHSLibraries",)),
    )
    if bluesky.handle and not BLUESKY_HANDLE.fullmatch(bluesky.handle):
        br.problem("handle", f"{bluesky.handle!r} is not a handle like 'name.bsky.social'")
    if bluesky.enabled and bluesky.mode == "live" and not bluesky.handle:
        br.problem("handle", "is required when mode is 'live' (e.g. 'name.bsky.social')")
    if len(bluesky.langs) > 3:
        br.problem("langs", "Bluesky allows at most 3 languages")
    for tag in bluesky.langs:
        if not LANGUAGE_TAG.fullmatch(tag):
            br.problem("langs", f"{tag!r} is not a language tag like 'en-GB' or 'cy'")
    br.finish()
    return bluesky


def _mode(r: Reader) -> Mode:
    mode = r.get("mode", str, "outbox")
    if mode not in ("outbox", "live"):
        r.problem("mode", f"{mode!r} is not 'outbox' or 'live'")
        return "outbox"
    return mode  # type: ignore[return-value]
