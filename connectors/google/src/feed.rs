//! Just enough of YouTube's WebSub Atom feed: a string scan for the few elements and
//! attributes a notification carries (`<entry>` with `yt:videoId`, `yt:channelId`, `title`,
//! `published`, `updated`, or an `at:deleted-entry` tombstone). Not a general XML parser:
//! the feed's shape is fixed and small, and the raw bytes are kept for anyone who needs more.

/// What a YouTube push notification says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedEntry {
    /// A video was uploaded or its title or description changed.
    Video {
        /// `yt:videoId`.
        video_id: String,
        /// `yt:channelId`.
        channel_id: Option<String>,
        /// The video's title.
        title: Option<String>,
        /// The watch URL (`link rel="alternate"`).
        link: Option<String>,
        /// The channel's name (`author/name`).
        author: Option<String>,
        /// When the video was published.
        published: Option<String>,
        /// When the entry was updated.
        updated: Option<String>,
    },
    /// A video was deleted (an `at:deleted-entry` with `ref="yt:video:<id>"`).
    Deleted {
        /// The video id.
        video_id: String,
        /// When (`when`).
        when: Option<String>,
        /// The channel's URL (`at:by/uri`).
        channel_uri: Option<String>,
    },
}

impl FeedEntry {
    /// Reads the first entry or tombstone of an Atom feed.
    pub fn parse(xml: &str) -> Option<Self> {
        if let Some(entry) = section(xml, "entry") {
            let video_id = element_text(entry, "yt:videoId")?;
            return Some(Self::Video {
                video_id,
                channel_id: element_text(entry, "yt:channelId"),
                title: element_text(entry, "title"),
                link: alternate_link(entry),
                author: section(entry, "author").and_then(|a| element_text(a, "name")),
                published: element_text(entry, "published"),
                updated: element_text(entry, "updated"),
            });
        }
        let start = start_tag(xml, "at:deleted-entry")?;
        let reference = attribute(start, "ref")?;
        let video_id = reference
            .strip_prefix("yt:video:")
            .unwrap_or(&reference)
            .to_string();
        let body = section(xml, "at:deleted-entry").unwrap_or("");
        Some(Self::Deleted {
            video_id,
            when: attribute(start, "when"),
            channel_uri: section(body, "at:by").and_then(|b| element_text(b, "uri")),
        })
    }

    /// The event id: `youtube:<videoId>:<updated>`, or `youtube:<videoId>:deleted:<when>`.
    pub fn event_id(&self) -> Option<String> {
        match self {
            Self::Video {
                video_id,
                updated: Some(updated),
                ..
            } => Some(format!("youtube:{video_id}:{updated}")),
            Self::Video { .. } => None,
            Self::Deleted {
                video_id,
                when: Some(when),
                ..
            } => Some(format!("youtube:{video_id}:deleted:{when}")),
            Self::Deleted { .. } => None,
        }
    }

    /// The event type: `youtube.video` or `youtube.video_deleted`.
    pub fn event_type(&self) -> &'static str {
        match self {
            Self::Video { .. } => "youtube.video",
            Self::Deleted { .. } => "youtube.video_deleted",
        }
    }
}

/// The text of the start tag `<name ...>` (without `<` and `>`), when there is one.
fn start_tag<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}");
    let mut from = 0;
    while let Some(at) = xml[from..].find(&open) {
        let after = from + at + open.len();
        let next = xml[after..].chars().next()?;
        if next == '>' || next == '/' || next.is_whitespace() {
            let end = after + xml[after..].find('>')?;
            return Some(&xml[from + at + 1..end]);
        }
        from = after;
    }
    None
}

/// The content between `<name ...>` and `</name>`; empty for `<name/>`.
fn section<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let mut from = 0;
    while let Some(at) = xml[from..].find(&open) {
        let after = from + at + open.len();
        let next = xml[after..].chars().next()?;
        if next == '>' || next == '/' || next.is_whitespace() {
            let tag_end = after + xml[after..].find('>')?;
            if xml[..tag_end].ends_with('/') {
                return Some("");
            }
            let content = tag_end + 1;
            let end = content + xml[content..].find(&close)?;
            return Some(&xml[content..end]);
        }
        from = after;
    }
    None
}

/// The unescaped, trimmed text of the first `<name>` element.
fn element_text(xml: &str, name: &str) -> Option<String> {
    let text = section(xml, name)?.trim();
    let text = text
        .strip_prefix("<![CDATA[")
        .and_then(|t| t.strip_suffix("]]>"))
        .map(str::to_string)
        .unwrap_or_else(|| unescape(text));
    Some(text)
}

/// An attribute's unescaped value in a start tag's text.
fn attribute(tag: &str, name: &str) -> Option<String> {
    for quote in ['"', '\''] {
        let pattern = format!("{name}={quote}");
        let mut from = 0;
        while let Some(at) = tag[from..].find(&pattern) {
            let start = from + at;
            let boundary = tag[..start]
                .chars()
                .next_back()
                .is_none_or(char::is_whitespace);
            let value_start = start + pattern.len();
            if boundary {
                let end = value_start + tag[value_start..].find(quote)?;
                return Some(unescape(&tag[value_start..end]));
            }
            from = value_start;
        }
    }
    None
}

/// The `href` of the entry's `<link rel="alternate">`.
fn alternate_link(entry: &str) -> Option<String> {
    let mut rest = entry;
    while let Some(tag) = start_tag(rest, "link") {
        if attribute(tag, "rel").as_deref() == Some("alternate") {
            return attribute(tag, "href");
        }
        let at = tag.as_ptr() as usize - rest.as_ptr() as usize + tag.len();
        rest = &rest[at..];
    }
    None
}

/// Replaces XML's predefined and numeric character references.
fn unescape(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const UPLOAD: &str = r#"<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns="http://www.w3.org/2005/Atom">
  <link rel="hub" href="https://pubsubhubbub.appspot.com"/>
  <link rel="self" href="https://www.youtube.com/xml/feeds/videos.xml?channel_id=UCxyz"/>
  <title>YouTube video feed</title>
  <updated>2026-11-02T09:15:03.114208413+00:00</updated>
  <entry>
    <id>yt:video:dQw4w9WgXcQ</id>
    <yt:videoId>dQw4w9WgXcQ</yt:videoId>
    <yt:channelId>UCxyz</yt:channelId>
    <title>Tips &amp; tricks &#8212; part 2</title>
    <link rel="alternate" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"/>
    <author>
      <name>Plugboard Demo</name>
      <uri>https://www.youtube.com/channel/UCxyz</uri>
    </author>
    <published>2026-11-02T09:14:51+00:00</published>
    <updated>2026-11-02T09:15:03.114208413+00:00</updated>
  </entry>
</feed>"#;

    #[test]
    fn reads_an_upload() {
        let entry = FeedEntry::parse(UPLOAD).unwrap();
        assert_eq!(
            entry,
            FeedEntry::Video {
                video_id: "dQw4w9WgXcQ".into(),
                channel_id: Some("UCxyz".into()),
                title: Some("Tips & tricks \u{2014} part 2".into()),
                link: Some("https://www.youtube.com/watch?v=dQw4w9WgXcQ".into()),
                author: Some("Plugboard Demo".into()),
                published: Some("2026-11-02T09:14:51+00:00".into()),
                updated: Some("2026-11-02T09:15:03.114208413+00:00".into()),
            }
        );
        assert_eq!(
            entry.event_id().unwrap(),
            "youtube:dQw4w9WgXcQ:2026-11-02T09:15:03.114208413+00:00"
        );
        assert_eq!(entry.event_type(), "youtube.video");
    }

    #[test]
    fn reads_a_tombstone() {
        let xml = r#"<feed xmlns:at="http://purl.org/atompub/tombstones/1.0" xmlns="http://www.w3.org/2005/Atom">
  <at:deleted-entry ref="yt:video:dQw4w9WgXcQ" when="2026-11-03T10:00:00.000000+00:00">
    <link href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"/>
    <at:by>
      <name>Plugboard Demo</name>
      <uri>https://www.youtube.com/channel/UCxyz</uri>
    </at:by>
  </at:deleted-entry>
</feed>"#;
        let entry = FeedEntry::parse(xml).unwrap();
        assert_eq!(
            entry.event_id().unwrap(),
            "youtube:dQw4w9WgXcQ:deleted:2026-11-03T10:00:00.000000+00:00"
        );
        assert_eq!(entry.event_type(), "youtube.video_deleted");
        let FeedEntry::Deleted { channel_uri, .. } = entry else {
            panic!("a tombstone")
        };
        assert_eq!(
            channel_uri.as_deref(),
            Some("https://www.youtube.com/channel/UCxyz")
        );
    }

    #[test]
    fn other_documents_are_not_entries() {
        assert_eq!(FeedEntry::parse("<feed></feed>"), None);
        assert_eq!(FeedEntry::parse("not xml at all"), None);
        assert_eq!(unescape("a &bogus; &#x41;&#66;"), "a &bogus; AB");
    }
}
