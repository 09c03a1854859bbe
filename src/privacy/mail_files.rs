//! Mail written as files (no SMTP server configured) is a copy of what was sent, kept next to
//! the database: an erased customer's mail must go too. A file is removed when any trace of the
//! customer — an address, a number, a name, a booking reference — appears in it, read raw (for
//! headers) and decoded (bodies and attachments are often quoted-printable or base64).

use std::path::{Path, PathBuf};

/// Removes the `.eml` files under `dir` (and their envelope files) that name any of `traces`;
/// returns how many messages were removed. A missing folder holds nothing.
pub async fn remove_naming(dir: PathBuf, traces: Vec<String>) -> std::io::Result<usize> {
    if traces.is_empty() {
        return Ok(0);
    }
    tokio::task::spawn_blocking(move || remove_blocking(&dir, &traces))
        .await
        .map_err(std::io::Error::other)?
}

fn remove_blocking(dir: &Path, traces: &[String]) -> std::io::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let wanted: Vec<String> = traces.iter().map(|t| t.to_lowercase()).collect();
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "eml") {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let text = searchable_text(&bytes).to_lowercase();
        if wanted.iter().any(|t| text.contains(t.as_str())) {
            std::fs::remove_file(&path)?;
            // lettre writes the envelope beside the message when asked to.
            let envelope = path.with_extension("json");
            if envelope.exists() {
                std::fs::remove_file(envelope)?;
            }
            removed += 1;
        }
    }
    Ok(removed)
}

/// The message as written, followed by its decoded subject and parts.
fn searchable_text(bytes: &[u8]) -> String {
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    if let Some(message) = mail_parser::MessageParser::default().parse(bytes) {
        if let Some(subject) = message.subject() {
            text.push('\n');
            text.push_str(subject);
        }
        for part in &message.parts {
            text.push('\n');
            match part.text_contents() {
                Some(decoded) => text.push_str(decoded),
                None => text.push_str(&String::from_utf8_lossy(part.contents())),
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_bodies_are_read_decoded() {
        let eml = b"From: a@example.com\r\nTo: b@example.com\r\nSubject: =?utf-8?q?F=C3=BCr_J=C3=BCrgen?=\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nSGFsbG8gSsO8cmdlbiBNw7xsbGVy\r\n";
        let text = searchable_text(eml);
        assert!(text.contains("Hallo Jürgen Müller"), "{text}");
        assert!(text.contains("Für Jürgen"), "{text}");
    }
}
