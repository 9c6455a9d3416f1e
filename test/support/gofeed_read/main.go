// Command gofeed_read prints, as JSON, what github.com/mmcdole/gofeed (the Go feed parser,
// Debian's golang-github-mmcdole-gofeed-dev) reads from the RSS, Atom or JSON Feed on stdin.
// test/support/readers.ts builds it offline in GOPATH mode against /usr/share/gocode.
package main

import (
	"encoding/json"
	"os"
	"time"

	"github.com/mmcdole/gofeed"
)

type item struct {
	Title      string   `json:"title"`
	Link       string   `json:"link"`
	GUID       string   `json:"guid"`
	Published  string   `json:"published,omitempty"`
	Updated    string   `json:"updated,omitempty"`
	Categories []string `json:"categories"`
}

type result struct {
	Error       string `json:"error,omitempty"`
	FeedType    string `json:"feedType,omitempty"`
	FeedVersion string `json:"feedVersion,omitempty"`
	Title       string `json:"title,omitempty"`
	Link        string `json:"link,omitempty"`
	FeedLink    string `json:"feedLink,omitempty"`
	Items       []item `json:"items"`
}

// rfc3339 formats a parsed date in UTC, or "" when gofeed could not parse one.
func rfc3339(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func read() result {
	feed, err := gofeed.NewParser().Parse(os.Stdin)
	if err != nil {
		return result{Error: err.Error(), Items: []item{}}
	}
	out := result{
		FeedType:    feed.FeedType,
		FeedVersion: feed.FeedVersion,
		Title:       feed.Title,
		Link:        feed.Link,
		FeedLink:    feed.FeedLink,
		Items:       []item{},
	}
	for _, it := range feed.Items {
		categories := it.Categories
		if categories == nil {
			categories = []string{}
		}
		out.Items = append(out.Items, item{
			Title:      it.Title,
			Link:       it.Link,
			GUID:       it.GUID,
			Published:  rfc3339(it.PublishedParsed),
			Updated:    rfc3339(it.UpdatedParsed),
			Categories: categories,
		})
	}
	return out
}

func main() {
	if err := json.NewEncoder(os.Stdout).Encode(read()); err != nil {
		os.Exit(1)
	}
}
