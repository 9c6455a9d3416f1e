"""Print, as JSON, what the Universal Feed Parser (Debian's python3-feedparser) reads from a feed.

Usage: /usr/bin/python3 feedparser_read.py FEED_FILE
Exit status 3 means feedparser is not importable (install python3-feedparser).
"""

import json
import sys
import time

try:
    import feedparser
except ImportError:
    sys.stderr.write("feedparser is not importable\n")
    sys.exit(3)


def iso(parsed):
    """A feedparser time.struct_time (always UTC) as RFC 3339, or None."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed) if parsed else None


def entry(item):
    return {
        "id": item.get("id"),
        "title": item.get("title"),
        "link": item.get("link"),
        "published": iso(item.get("published_parsed")),
        "updated": iso(item.get("updated_parsed")),
        "summary": item.get("summary"),
        "tags": [tag.get("term") for tag in item.get("tags", [])],
    }


def main(path):
    result = feedparser.parse(path)
    out = {
        "bozo": int(bool(result.bozo)),
        "version": result.get("version", ""),
        "feed": {
            "title": result.feed.get("title"),
            "link": result.feed.get("link"),
            "id": result.feed.get("id"),
            "updated": iso(result.feed.get("updated_parsed")),
        },
        "entries": [entry(item) for item in result.entries],
    }
    if result.bozo:
        out["bozoException"] = str(result.get("bozo_exception"))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
