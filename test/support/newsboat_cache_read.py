"""Print, as JSON, the feed and items newsboat stored in its SQLite cache.

Usage: /usr/bin/python3 newsboat_cache_read.py CACHE_DB
"""

import json
import sqlite3
import sys


def main(path):
    db = sqlite3.connect(path)
    feeds = [
        {"rssurl": rssurl, "title": title, "url": url}
        for rssurl, title, url in db.execute("SELECT rssurl, title, url FROM rss_feed")
    ]
    items = [
        {"guid": guid, "title": title, "url": url, "author": author, "pubDate": pub_date}
        for guid, title, url, author, pub_date in db.execute(
            "SELECT guid, title, url, author, pubDate FROM rss_item ORDER BY pubDate"
        )
    ]
    json.dump({"feeds": feeds, "items": items}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
