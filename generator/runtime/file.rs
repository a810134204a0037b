//! `File`: the bytes of a `format: binary` part of a multipart body, with
//! the file name and content type its part carries.

use std::fmt;
use std::path::Path;

use bytes::Bytes;

/// A file sent as a part of a `multipart/form-data` body.
///
/// The part's `filename` is the file's `name` when set, else the
/// property's name; its `Content-Type` is the file's `content_type` when
/// set, else the one the spec gives the property, else
/// `application/octet-stream`. Some APIs read the format of an upload from
/// its file name, so give one where the API documents it:
/// `File::new(bytes).name("speech.mp3").content_type("audio/mpeg")`.
///
/// A file has no JSON form: it travels only as a multipart part, and
/// serializing it any other way is an error. Reading one from JSON takes a
/// string as its bytes.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct File {
    /// The contents, sent as they are.
    pub bytes: Bytes,
    /// The `filename` of the part.
    pub name: Option<String>,
    /// The `Content-Type` of the part.
    pub content_type: Option<String>,
}

impl File {
    /// A file with these contents and no name or content type of its own.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        File { bytes: bytes.into(), name: None, content_type: None }
    }

    /// The file at `path`, named after its last component (when that is
    /// UTF-8). It reads the whole file with `std::fs`, blocking the thread;
    /// in async code, read the bytes asynchronously and use [`File::new`].
    pub fn read(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)?;
        let name = path.file_name().and_then(|name| name.to_str()).map(str::to_owned);
        Ok(File { bytes: bytes.into(), name, content_type: None })
    }

    /// Sets the file name the part carries (`speech.mp3`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets the content type the part carries (`audio/mpeg`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl From<Bytes> for File {
    fn from(bytes: Bytes) -> Self {
        File::new(bytes)
    }
}

impl From<Vec<u8>> for File {
    fn from(bytes: Vec<u8>) -> Self {
        File::new(bytes)
    }
}

impl From<&'static [u8]> for File {
    fn from(bytes: &'static [u8]) -> Self {
        File::new(bytes)
    }
}

impl<const N: usize> From<&'static [u8; N]> for File {
    fn from(bytes: &'static [u8; N]) -> Self {
        File::new(&bytes[..])
    }
}

/// The length instead of the contents, which may be large or secret.
impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File")
            .field("name", &self.name)
            .field("content_type", &self.content_type)
            .field("bytes", &format_args!("{} bytes", self.bytes.len()))
            .finish()
    }
}

impl serde::Serialize for File {
    fn serialize<S: serde::Serializer>(&self, _serializer: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("a file is sent only as a part of a multipart/form-data body"))
    }
}

impl<'de> serde::Deserialize<'de> for File {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Contents;

        impl serde::de::Visitor<'_> for Contents {
            type Value = File;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string holding a file's contents")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<File, E> {
                Ok(File::new(Bytes::copy_from_slice(text.as_bytes())))
            }

            fn visit_string<E: serde::de::Error>(self, text: String) -> Result<File, E> {
                Ok(File::new(text))
            }

            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<File, E> {
                Ok(File::new(Bytes::copy_from_slice(bytes)))
            }

            fn visit_byte_buf<E: serde::de::Error>(self, bytes: Vec<u8>) -> Result<File, E> {
                Ok(File::new(bytes))
            }
        }

        deserializer.deserialize_any(Contents)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_length_not_the_bytes() {
        let file = File::new(&b"secret contents"[..]).name("notes.txt");
        assert_eq!(format!("{file:?}"), r#"File { name: Some("notes.txt"), content_type: None, bytes: 15 bytes }"#);
    }

    #[test]
    fn conversions_keep_the_bytes_and_set_nothing_else() {
        let expected = File::new(vec![1, 2, 3]);
        assert_eq!(File::from(vec![1, 2, 3]), expected);
        assert_eq!(File::from(&[1u8, 2, 3]), expected);
        assert_eq!(File::from(&[1u8, 2, 3][..]), expected);
        assert_eq!(File::from(Bytes::from_static(&[1, 2, 3])), expected);
        assert_eq!((expected.name.as_deref(), expected.content_type.as_deref()), (None, None));
    }

    #[test]
    fn json_has_no_file_but_a_string_reads_as_one() {
        let error = serde_json::to_value(File::new(vec![1])).err().map(|e| e.to_string());
        assert_eq!(error.as_deref(), Some("a file is sent only as a part of a multipart/form-data body"));
        let file: Result<File, _> = serde_json::from_str(r#""a,b""#);
        assert_eq!(file.ok(), Some(File::new(&b"a,b"[..])));
        assert!(serde_json::from_str::<File>("[1, 2]").is_err());
    }

    #[test]
    fn read_takes_the_name_from_the_path() {
        let dir = std::env::temp_dir().join(format!("runtime-file-test-{}", std::process::id()));
        let path = dir.join("speech.mp3");
        let written = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, b"ID3\x04"));
        assert!(written.is_ok(), "{written:?}");
        let file = File::read(&path);
        let _ = std::fs::remove_dir_all(&dir);
        let file = file.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((file.bytes.as_ref(), file.name.as_deref()), (&b"ID3\x04"[..], Some("speech.mp3")));
        assert!(File::read(dir.join("missing")).is_err());
    }
}
