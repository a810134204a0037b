//! JSON pointer → line and column in the source text.
//!
//! Locations are only needed when something is wrong, so instead of carrying
//! a position for every node of every spec through the whole pipeline, the
//! source is parsed again, with spans, when an error is reported.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::config::SpecInput;
use crate::error::Location;

/// The location of `pointer` in `input`; line and column are left empty when
/// the pointer cannot be followed (the error still names file and pointer).
pub fn locate(input: &SpecInput, pointer: &str) -> Location {
    let tree = parse(&input.text);
    located(input, tree.as_ref(), pointer)
}

/// Locates many pointers in the same files, parsing each file only once:
/// for runs that report many warnings.
#[derive(Default)]
pub struct Locator {
    trees: std::cell::RefCell<std::collections::BTreeMap<String, std::rc::Rc<Option<Node>>>>,
}

impl Locator {
    pub fn locate(&self, input: &SpecInput, pointer: &str) -> Location {
        let tree = {
            let mut trees = self.trees.borrow_mut();
            trees.entry(input.name.clone()).or_insert_with(|| std::rc::Rc::new(parse(&input.text))).clone()
        };
        located(input, tree.as_ref().as_ref(), pointer)
    }
}

fn located(input: &SpecInput, tree: Option<&Node>, pointer: &str) -> Location {
    let mut location = Location::file(&input.name);
    location.pointer = Some(pointer.to_owned());
    if let Some((line, column)) = tree.and_then(|tree| find(tree, pointer)) {
        location.line = Some(line);
        location.column = Some(column);
    }
    location
}

/// Parsed with the loader's limits: a spec that loaded can be located, and
/// one that did not (too deep, an alias bomb) fails here just as fast.
fn parse(text: &str) -> Option<Node> {
    serde_saphyr::from_str_with_options(text, crate::load::yaml_options()).ok()
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

pub fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

fn find(root: &Node, pointer: &str) -> Option<(u64, u64)> {
    let mut node = root;
    let tokens = pointer.strip_prefix('/').map(|rest| rest.split('/'));
    for token in tokens.into_iter().flatten() {
        let token = unescape_pointer_token(token);
        node = match &node.kind {
            Kind::Map(entries) => entries.iter().find(|(key, _)| *key == token).map(|(_, v)| v)?,
            Kind::Seq(items) => items.get(token.parse::<usize>().ok()?)?,
            Kind::Scalar => return None,
        };
    }
    (node.line > 0).then_some((node.line, node.column))
}

pub struct Node {
    line: u64,
    column: u64,
    kind: Kind,
}

enum Kind {
    Scalar,
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Kind>::deserialize(deserializer)?;
        Ok(Node {
            line: spanned.referenced.line(),
            column: spanned.referenced.column(),
            kind: spanned.value,
        })
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(KindVisitor)
    }
}

struct KindVisitor;

macro_rules! scalar_visits {
    ($($name:ident: $ty:ty),*) => {
        $(fn $name<E: de::Error>(self, _: $ty) -> Result<Kind, E> { Ok(Kind::Scalar) })*
    };
}

impl<'de> Visitor<'de> for KindVisitor {
    type Value = Kind;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML node")
    }

    scalar_visits!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str, visit_i128: i128, visit_u128: u128);

    fn visit_unit<E: de::Error>(self) -> Result<Kind, E> {
        Ok(Kind::Scalar)
    }

    fn visit_none<E: de::Error>(self) -> Result<Kind, E> {
        Ok(Kind::Scalar)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Kind, D::Error> {
        Kind::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Kind, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Kind::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Kind, A::Error> {
        let mut entries = Vec::new();
        while let Some(Key(key)) = map.next_key::<Key>()? {
            entries.push((key, map.next_value::<Node>()?));
        }
        Ok(Kind::Map(entries))
    }
}

/// A mapping key of any scalar kind, as text (`200:` and `'200':` alike).
struct Key(String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a scalar mapping key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_owned()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Key, E> {
                Ok(Key("null".to_owned()))
            }
        }
        deserializer.deserialize_any(KeyVisitor)
    }
}
