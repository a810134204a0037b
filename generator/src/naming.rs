//! Every Rust name the generator makes comes from here: case conversion,
//! keywords, leading digits and symbols, version prefixes, and collisions.
//!
//! Names are ASCII. Rust accepts many non-ASCII letters in identifiers, but
//! rustc then warns about some of them (`uncommon_codepoints`), about two
//! names that look alike (`confusable_idents`, say a Cyrillic `а` beside a
//! Latin `a`) and about scripts mixed in confusing ways
//! (`mixed_script_confusables`), and it compares names only after Unicode
//! normalization, so that two different spellings of `é` would be one name.
//! Whether a name warns depends on every other name in the crate, so
//! instead non-ASCII text is transliterated, the same way every time:
//!
//! - every letter and digit is spelled by [deunicode]'s table: Latin
//!   letters lose their marks (`é` → `e`, `ł` → `l`), ligatures and special
//!   letters are spelled out (`ß` → `ss`, `æ` → `ae`, `þ` → `th`), Greek and
//!   Cyrillic are romanized (`λόγος` → `logos`, `имя` → `imia`), Han
//!   characters are read in pinyin, a word each (`名前` → `ming_qian`,
//!   `MingQian` as a type), and so on; a letter it has no spelling for
//!   becomes a word spelled by its code point (`u540d`);
//! - combining marks and invisible format characters are dropped, so a
//!   decomposed `e` + `◌́` reads as `é` does;
//! - other symbols and punctuation separate words, as ASCII ones do.
//!
//! The table is deunicode's at the exact version `generator/Cargo.toml`
//! pins (`=1.6.2`): names change only when that pin is moved on purpose,
//! and the fixture snapshots and `cargo xtask regen --check` then show how.
//!
//! [deunicode]: https://docs.rs/deunicode
//!
//! The wire name is kept beside every Rust name (serde renames, enum
//! values), and names that come out the same after this are told apart
//! like any other collision, by [`unique`].

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

use crate::error::{Error, Result};

/// Words that cannot be plain identifiers in Rust 2024.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro",
    "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static",
    "struct", "super", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual",
    "where", "while", "yield",
];

/// Keywords that cannot even be raw identifiers.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Spells out the symbols that case conversion would drop, so that `+1`
/// and `1`, or `a.b` and `ab`, stay apart.
fn words(wire: &str) -> String {
    let mut out = String::with_capacity(wire.len() + 8);
    let mut chars = wire.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        match c {
            '+' => out.push_str(" plus "),
            '-' if first && chars.peek().is_some_and(|n| n.is_ascii_digit()) => out.push_str(" minus "),
            '.' if out.ends_with(|p: char| p.is_ascii_digit()) && chars.peek().is_some_and(|n| n.is_ascii_digit()) => {
                out.push_str(" dot ")
            }
            '*' => out.push_str(" star "),
            '@' => out.push_str(" at "),
            '#' => out.push_str(" hash "),
            '%' => out.push_str(" percent "),
            '&' => out.push_str(" and "),
            '=' => out.push_str(" eq "),
            '<' => out.push_str(" lt "),
            '>' => out.push_str(" gt "),
            '!' => out.push_str(" not "),
            c if c.is_ascii_alphanumeric() => out.push(c),
            c if c.is_ascii() => out.push(' '),
            c => transliterate(c, chars.peek().copied(), &mut out),
        }
        first = false;
    }
    out
}

/// Appends the ASCII spelling of the non-ASCII character `c` (see the
/// module documentation); `next` decides the case of a capital spelled with
/// several letters (`Ж` is `Zh` before `ук`, `ZH` before `УК`).
fn transliterate(c: char, next: Option<char>, out: &mut String) {
    if is_mark_or_format(c) {
        return;
    }
    if !c.is_alphanumeric() {
        out.push(' ');
        return;
    }
    // deunicode's table, pinned by version: its spellings hold word
    // separators (`名` is `Ming `) and, for a few letters, punctuation (`ъ`
    // is `'`), which become word breaks or nothing.
    let spelling: String = deunicode::deunicode_char(c)
        .unwrap_or_default()
        .chars()
        .filter_map(|l| if l.is_ascii_alphanumeric() { Some(l.to_ascii_lowercase()) } else if l == ' ' { Some(' ') } else { None })
        .collect();
    if spelling.trim().is_empty() {
        out.push_str(&format!(" u{:x} ", u32::from(c)));
    } else if !c.is_uppercase() {
        out.push_str(&spelling);
    } else if spelling.trim().len() > 1 && next.is_some_and(char::is_lowercase) {
        let mut letters = spelling.chars();
        out.extend(letters.next().map(|l| l.to_ascii_uppercase()));
        out.extend(letters);
    } else {
        out.push_str(&spelling.to_ascii_uppercase());
    }
}

/// Combining diacritical marks, and characters that are not seen: joiners,
/// direction marks, the byte order mark. deunicode spells some of these as
/// a space, which would split `a\u{200b}b` into two words; a name that
/// looks like one word stays one.
fn is_mark_or_format(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
            | '\u{00AD}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

fn non_empty(name: String, fallback: &str) -> String {
    if name.is_empty() { fallback.to_owned() } else { name }
}

/// `invoiceId` → `invoice_id`; `type` → `r#type`; `self` → `self_`; `1x` → `_1x`.
pub fn field_name(wire: &str) -> String {
    let name = non_empty(words(wire).to_snake_case(), "field");
    finish_value_name(name)
}

/// A snake_case method name from any text.
pub fn method_name(text: &str) -> String {
    finish_value_name(non_empty(words(text).to_snake_case(), "call"))
}

fn finish_value_name(name: String) -> String {
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// `line-item` → `LineItem`; `1.0` → `V1Dot0`; `Self` → `Self_`.
pub fn type_name(wire: &str) -> String {
    let name = non_empty(words(wire).to_upper_camel_case(), "Unnamed");
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V{name}")
    } else if NOT_RAW.contains(&name.as_str()) || KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// `Sequence-Version` → `SEQUENCE_VERSION`.
pub fn constant_name(wire: &str) -> String {
    let name = non_empty(words(wire).to_shouty_snake_case(), "VALUE");
    if name.starts_with(|c: char| c.is_ascii_digit()) { format!("V{name}") } else { name }
}

/// A module name from a tag: `Invoice Line Items` → `invoice_line_items`.
pub fn module_name(tag: &str) -> String {
    let name = non_empty(words(tag).to_snake_case(), "default");
    if name.starts_with(|c: char| c.is_ascii_digit()) || KEYWORDS.contains(&name.as_str()) {
        format!("m_{name}")
    } else {
        name
    }
}

/// The hidden last field of every generated struct, which keeps it open to
/// new fields (the runtime's `NonExhaustive`).
pub const NON_EXHAUSTIVE_FIELD: &str = "__non_exhaustive";

/// The field names a struct starts with taken. [`field_name`] never makes
/// a name with a leading `__`; reserving it as well keeps the marker clear
/// of spec properties whatever the case rules become.
pub fn reserved_field_names() -> BTreeSet<String> {
    BTreeSet::from([NON_EXHAUSTIVE_FIELD.to_owned()])
}

/// The names an operation's parameters cannot take: the request struct's
/// own fields (`options`; `body` when there is a request body), the methods
/// of the generic call builder (`runtime::Call`) beside which each
/// parameter gets a setter, and the `api` argument of the call's `new`.
pub fn reserved_parameter_names(has_body: bool) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = reserved::CALL_METHODS.iter().map(|name| (*name).to_owned()).collect();
    if has_body {
        names.insert("body".to_owned());
    }
    names
}

/// The names a generated crate declares itself, in each scope that spec
/// names also enter. They are taken before any spec name, so a spec name
/// that would collide is renamed (and reported) instead. `emit` renders the
/// crate's own items from these lists, and a test checks them against the
/// runtime's source, so the two cannot drift apart.
pub mod reserved {
    /// The modules of the crate root (`generated` holds them in a
    /// standalone crate).
    pub const ROOT_MODULES: &[&str] = &["runtime", "types", "api", "client", "generated"];
    /// What the crate root re-exports from the runtime.
    pub const RUNTIME_EXPORTS: &[&str] = &[
        "ApiError",
        "AttemptOutcome",
        "Credentials",
        "DecodeError",
        "Error",
        "File",
        "Hook",
        "HookError",
        "HookFuture",
        "OutgoingRequest",
        "RedirectPolicy",
        "RequestOptions",
        "Response",
        "RetryPolicy",
        "Timeouts",
        "Update",
    ];
    /// What the crate root re-exports from the client module.
    pub const CLIENT_EXPORTS: &[&str] = &["Client", "ClientBuilder", "Environment"];
    /// The trait every client implements, re-exported at the crate root.
    pub const API_TRAIT: &str = "Api";
    /// `Client`'s own methods, beside one per operation.
    pub const CLIENT_METHODS: &[&str] = &["builder", "base_url"];
    /// `ClientBuilder`'s own methods, beside one per client header and
    /// the setters of the credentials.
    pub const CLIENT_BUILDER_METHODS: &[&str] = &[
        "base_url",
        "retry_policy",
        "timeouts",
        "http_client",
        "redirects",
        "max_response_body",
        "user_agent",
        "hook",
        "build",
    ];
    /// `ClientBuilder`'s credential methods when the spec sends credentials
    /// in an `Authorization` header parameter: no security scheme setter
    /// takes these names then.
    pub const HEADER_AUTH_METHODS: &[&str] = &["basic_auth", "bearer_auth", "credentials", "basic_auth_from_env"];
    /// The variant of `Environment` that takes any URL.
    pub const ENVIRONMENT_VARIANTS: &[&str] = &["Custom"];
    /// The methods of the generic call builder (`runtime::Call`), beside
    /// which each parameter gets a setter, and the request struct's own
    /// fields (`options`) and the `api` argument of the call's `new`.
    pub const CALL_METHODS: &[&str] = &[
        "options",
        "api",
        "new",
        "from_request",
        "into_request",
        "retry_policy",
        "attempt_timeout",
        "timeout",
        "max_empty_pages",
        "send",
        "send_with_response",
        "send_stream",
        "into_future",
        "items",
        "pages",
        "pager",
        "idle_timeout",
    ];
    /// The fallback variant of open enums and discriminated unions.
    pub const UNKNOWN_VARIANT: &str = "Unknown";
    /// The field that holds the properties an object has beyond its
    /// declared ones.
    pub const ADDITIONAL_FIELD: &str = "additional_properties";
}

/// One scope of names (a module, a type's methods, an enum's variants):
/// each name in it is unique. Names are claimed in a fixed order, so the
/// same spec always gets the same names.
#[derive(Debug, Clone, Default)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// A scope whose `reserved` names belong to the crate itself.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Namespace { taken: reserved.iter().map(|name| (*name).to_owned()).collect() }
    }

    /// `desired`, or its first free numbered form (`types2`); says whether
    /// it had to be renamed.
    pub fn claim(&mut self, desired: &str) -> (String, bool) {
        let name = unique(desired.to_owned(), &mut self.taken);
        let renamed = name != desired;
        (name, renamed)
    }
}

/// The variant of a response enum for a success status: `Ok`, `Created`,
/// `NoContent`, … and `Status299` for the others.
pub fn status_variant(status: u16) -> String {
    match status {
        200 => "Ok".to_owned(),
        201 => "Created".to_owned(),
        202 => "Accepted".to_owned(),
        203 => "NonAuthoritativeInformation".to_owned(),
        204 => "NoContent".to_owned(),
        205 => "ResetContent".to_owned(),
        206 => "PartialContent".to_owned(),
        207 => "MultiStatus".to_owned(),
        300 => "MultipleChoices".to_owned(),
        301 => "MovedPermanently".to_owned(),
        302 => "Found".to_owned(),
        303 => "SeeOther".to_owned(),
        304 => "NotModified".to_owned(),
        307 => "TemporaryRedirect".to_owned(),
        308 => "PermanentRedirect".to_owned(),
        other => format!("Status{other}"),
    }
}

/// `name`, or `name2`, `name3`… — the first not in `taken`; records it.
pub fn unique(name: String, taken: &mut BTreeSet<String>) -> String {
    if taken.insert(name.clone()) {
        return name;
    }
    let (base, raw) = match name.strip_prefix("r#") {
        Some(base) => (base.to_owned(), true),
        None => (name.clone(), false),
    };
    let base = base.trim_end_matches('_');
    for n in 2.. {
        let candidate = format!("{base}{n}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
    }
    // The loop above returns for some n; this keeps the function total.
    if raw { name } else { base.to_owned() }
}

/// Some vendors name schemas for the API version that introduced them:
/// with the prefix `Stable`, Sequence's `Stable20240101LineItemResponse` is
/// `LineItemResponse` as of 2024-01-01. Returns the date digits and the rest
/// of the name; `None` without a prefix rule, or when the name does not
/// follow it (eight digits, then a capital).
pub fn split_version_prefix<'n>(name: &'n str, prefix: Option<&str>) -> Option<(&'n str, &'n str)> {
    let rest = name.strip_prefix(prefix.filter(|p| !p.is_empty())?)?;
    let digits = rest.get(..8)?;
    let tail = rest.get(8..)?;
    let starts_upper = tail.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    (digits.bytes().all(|b| b.is_ascii_digit()) && starts_upper).then_some((digits, tail))
}

/// The name without its numeric suffix: `CountryCode3` → `CountryCode`,
/// `Error-2` → `Error`. Schemas with one stem are a numbered family
/// (`lower::shapes`). A name that is all digits is its own stem.
pub fn numeric_stem(name: &str) -> &str {
    let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
    let stem = if stem.len() < name.len() { stem.strip_suffix(['-', '_']).unwrap_or(stem) } else { stem };
    if stem.is_empty() { name } else { stem }
}

/// The Rust names of the component schemas.
pub struct TypeNames {
    pub(crate) names: BTreeMap<String, String>,
    /// How collisions were resolved, for the run's summary: the schema
    /// renamed, and what happened to it.
    pub notes: Vec<(String, String)>,
}

/// Names every component schema: the manifest's rename if any, else the name
/// without its version prefix. Where several schemas want one name, a rename
/// wins, then a schema without a version prefix, then the newest version;
/// the others keep their version as a suffix (`ProductResponseV20240509`).
pub fn type_names(
    components: &[&str],
    renames: &BTreeMap<String, String>,
    version_prefix: Option<&str>,
    manifest: &str,
) -> Result<TypeNames> {
    for key in renames.keys() {
        if !components.contains(&key.as_str()) {
            return Err(Error::UnusedOverride { file: manifest.to_owned(), kind: "[renames] entry", key: key.clone() });
        }
    }
    for (schema, rust) in renames {
        if type_name(rust) != *rust {
            return Err(Error::Manifest {
                file: manifest.to_owned(),
                message: format!("[renames] {schema} = {rust:?} is not a PascalCase Rust type name"),
                help: format!("use {:?}", type_name(rust)),
            });
        }
    }

    // (priority, version date, schema): lower sorts first and wins.
    type Claim<'c> = (u8, std::cmp::Reverse<String>, &'c str);
    let mut wanted: BTreeMap<String, Vec<Claim<'_>>> = BTreeMap::new();
    for &schema in components {
        let (desired, rank) = match renames.get(schema) {
            Some(rust) => (rust.clone(), (0, String::new())),
            None => match split_version_prefix(schema, version_prefix) {
                Some((date, rest)) => (type_name(rest), (2, date.to_owned())),
                None => (type_name(schema), (1, String::new())),
            },
        };
        wanted.entry(desired).or_default().push((rank.0, std::cmp::Reverse(rank.1), schema));
    }

    let mut names = BTreeMap::new();
    let mut notes = Vec::new();
    let mut taken: BTreeSet<String> = wanted.keys().cloned().collect();
    for (desired, mut claimants) in wanted {
        claimants.sort();
        let mut claimants = claimants.into_iter();
        let Some((winner_rank, _, winner)) = claimants.next() else { continue };
        names.insert(winner.to_owned(), desired.clone());
        for (rank, _, schema) in claimants {
            if rank == 0 && winner_rank == 0 {
                return Err(Error::TypeNameCollision {
                    rust_name: desired,
                    first: winner.to_owned(),
                    second: schema.to_owned(),
                });
            }
            let suffix = split_version_prefix(schema, version_prefix).map_or_else(String::new, |(date, _)| format!("V{date}"));
            let name = unique(format!("{desired}{suffix}"), &mut taken);
            notes.push((schema.to_owned(), format!("schema {schema} is named {name}: {desired} is {winner}")));
            names.insert(schema.to_owned(), name);
        }
    }
    Ok(TypeNames { names, notes })
}

/// The Rust names of the component schemas grouped by shape
/// (`lower::shapes`): each group is named from its spelling by
/// [`type_names`], and every member of it gets that name.
pub fn group_type_names(
    groups: &[crate::lower::shapes::Group],
    renames: &BTreeMap<String, String>,
    version_prefix: Option<&str>,
    manifest: &str,
) -> Result<TypeNames> {
    let spelled: Vec<&str> = groups.iter().map(|g| g.spelled.as_str()).collect();
    let by_spelling = type_names(&spelled, renames, version_prefix, manifest)?;
    let mut names = BTreeMap::new();
    for group in groups {
        if let Some(name) = by_spelling.names.get(&group.spelled) {
            for member in &group.members {
                names.insert(member.clone(), name.clone());
            }
        }
    }
    Ok(TypeNames { names, notes: by_spelling.notes })
}

/// Words the inflection rules would get wrong in a path: abbreviations and
/// words that are their own singular (`sms` is not the plural of `sm`).
const KEEP_AS_IS: &[&str] = &["as", "data", "lfs", "metadata", "news", "ons", "series", "sms", "status", "timeseries"];

/// The singular of a plural resource word (`groups` → `group`, `aliases`
/// → `alias`, `policies` → `policy`, `people` → `person`), by the
/// `pluralizer` crate's rules (a port of the npm `pluralize` package, whose
/// rules cover the irregular and Latin plurals a hand-written suffix rule
/// misses). Checked on every word of every path in the shared corpus
/// (`tests/integration/inflection.rs`).
pub fn singular(word: &str) -> String {
    if KEEP_AS_IS.contains(&word) || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return word.to_owned();
    }
    pluralizer::pluralize(word, 1, false)
}

/// A method name people would choose, from the HTTP method and the path:
/// `GET /invoices/{invoice}/line-item-groups` → `list_line_item_groups`,
/// `POST …/line-item-groups` → `create_line_item_group`,
/// `PUT …/line-item-groups/{id}` → `update_line_item_group`.
pub fn operation_name(method: &str, path: &str) -> String {
    rest_name(method, path, false)
}

/// The same with the parent resource in the name, for when the short names
/// of two operations collide: `create_invoice_line_item_group` and
/// `create_credit_note_line_item_group`.
pub fn qualified_operation_name(method: &str, path: &str) -> String {
    rest_name(method, path, true)
}

fn rest_name(method: &str, path: &str, qualified: bool) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let ends_with_param = segments.last().is_some_and(|s| s.starts_with('{'));
    let mut literals = segments.iter().rev().filter(|s| !s.starts_with('{'));
    let resource = literals.next().copied().unwrap_or("root");
    let mut resource = words(resource).to_snake_case();
    if qualified && let Some(parent) = literals.next() {
        let parent = words(parent).to_snake_case();
        let parent = parent.rsplit_once('_').map_or_else(|| singular(&parent), |(head, last)| format!("{head}_{}", singular(last)));
        resource = format!("{parent}_{resource}");
    }
    let singular_resource = resource.rsplit_once('_').map_or_else(
        || singular(&resource),
        |(head, last)| format!("{head}_{}", singular(last)),
    );
    let name = match (method, ends_with_param) {
        ("get", false) => format!("list_{resource}"),
        ("get", true) => format!("get_{singular_resource}"),
        ("post", false) => format!("create_{singular_resource}"),
        ("post", true) => format!("post_{singular_resource}"),
        ("put", _) | ("patch", _) => format!("update_{singular_resource}"),
        ("delete", _) => format!("delete_{singular_resource}"),
        (other, _) => format!("{other}_{resource}"),
    };
    method_name(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_avoid_keywords_digits_and_symbols() {
        assert_eq!(field_name("invoiceId"), "invoice_id");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("1st"), "_1st");
        assert_eq!(field_name("sequence-version"), "sequence_version");
        assert_eq!(field_name(""), "field");
    }

    #[test]
    fn no_property_takes_the_hidden_field() {
        for wire in ["__non_exhaustive", "_non_exhaustive", "__nonExhaustive", "__non_exhaustive__"] {
            assert_ne!(field_name(wire), NON_EXHAUSTIVE_FIELD, "{wire}");
        }
        let mut taken = reserved_field_names();
        assert_eq!(unique(NON_EXHAUSTIVE_FIELD.to_owned(), &mut taken), "__non_exhaustive2");
    }

    #[test]
    fn non_ascii_letters_are_transliterated() {
        assert_eq!(field_name("Größe"), "grosse");
        assert_eq!(field_name("café"), "cafe");
        // The decomposed spelling (e + combining acute) reads the same.
        assert_eq!(field_name("cafe\u{301}"), "cafe");
        assert_eq!(field_name("straßeNr"), "strasse_nr");
        assert_eq!(field_name("Łódź"), "lodz");
        assert_eq!(field_name("æøå"), "aeoa");
        assert_eq!(field_name("λόγος"), "logos");
        assert_eq!(field_name("имя"), "imia");
        assert_eq!(type_name("Жук"), "Zhuk");
        assert_eq!(type_name("ЖУК"), "Zhuk");
        assert_eq!(field_name("ЖУК"), "zhuk");
        assert_eq!(field_name("名前"), "ming_qian");
        assert_eq!(type_name("名前"), "MingQian");
        // A letter the table spells with no letter (`Ə` is `@`) is spelled by its code point.
        assert_eq!(field_name("Əb"), "u18f_b");
        assert_eq!(field_name("price€"), "price");
        assert_eq!(field_name("a\u{200b}b"), "ab");
        for name in ["größe", "名前", "имя", "λόγος", "ǅemal", "٣", "x\u{0308}"] {
            let field = field_name(name);
            assert!(field.is_ascii() && !field.is_empty(), "{name} → {field}");
            assert!(type_name(name).is_ascii(), "{name}");
            assert!(syn::parse_str::<syn::Ident>(&field).is_ok(), "{name} → {field}");
        }
    }

    #[test]
    fn types_and_variants_stay_apart_when_symbols_differ() {
        assert_eq!(type_name("STRAIGHT_LINE"), "StraightLine");
        assert_eq!(type_name("+1"), "Plus1");
        assert_eq!(type_name("-1"), "Minus1");
        assert_eq!(type_name("1"), "V1");
        assert_eq!(type_name("1.0"), "V1Dot0");
        assert_eq!(type_name("Self"), "Self_");
    }

    #[test]
    fn numeric_stems_drop_the_number_and_its_separator() {
        assert_eq!(numeric_stem("CountryCode3"), "CountryCode");
        assert_eq!(numeric_stem("Error-2"), "Error");
        assert_eq!(numeric_stem("Plain"), "Plain");
        assert_eq!(numeric_stem("Trailing_"), "Trailing_");
        assert_eq!(numeric_stem("42"), "42");
        assert_eq!(numeric_stem("-2"), "-2");
    }

    #[test]
    fn version_prefixes_split_only_on_the_exact_shape() {
        assert_eq!(split_version_prefix("Stable20240101LineItemResponse", Some("Stable")), Some(("20240101", "LineItemResponse")));
        assert_eq!(split_version_prefix("StableThing", Some("Stable")), None);
        assert_eq!(split_version_prefix("Stable2024010", Some("Stable")), None);
        assert_eq!(split_version_prefix("Stable20240101lower", Some("Stable")), None);
    }

    #[test]
    fn operation_names_follow_rest_shape() {
        assert_eq!(operation_name("get", "/invoices/{invoice}/line-item-groups"), "list_line_item_groups");
        assert_eq!(operation_name("post", "/invoices/{invoice}/line-item-groups"), "create_line_item_group");
        assert_eq!(operation_name("put", "/invoices/{invoice}/line-items/{id}"), "update_line_item");
        assert_eq!(operation_name("get", "/addresses/{id}"), "get_address");
        assert_eq!(operation_name("delete", "/companies/{id}"), "delete_company");
        assert_eq!(qualified_operation_name("post", "/credit-notes/{id}/line-items"), "create_credit_note_line_item");
        assert_eq!(qualified_operation_name("get", "/invoices"), "list_invoices");
        assert_eq!(operation_name("post", "/customer-aliases"), "create_customer_alias");
        assert_eq!(operation_name("delete", "/policies/{id}"), "delete_policy");
        assert_eq!(operation_name("get", "/billing-statuses/{id}"), "get_billing_status");
        assert_eq!(operation_name("post", "/sms"), "create_sms");
    }

    #[test]
    fn newest_version_keeps_the_clean_name() {
        let names = type_names(
            &["Stable20240509ProductResponse", "Stable20240730ProductResponse", "Stable20240101Thing"],
            &BTreeMap::new(),
            Some("Stable"),
            "codegen.toml",
        )
        .map_err(|e| e.to_string());
        let names = names.as_ref().map(|n| &n.names);
        let expected: BTreeMap<String, String> = [
            ("Stable20240509ProductResponse", "ProductResponseV20240509"),
            ("Stable20240730ProductResponse", "ProductResponse"),
            ("Stable20240101Thing", "Thing"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect();
        assert_eq!(names, Ok(&expected));
    }

    #[test]
    fn unprefixed_schema_wins_over_prefixed_one() {
        let names = type_names(&["LineItem", "Stable20240101LineItem"], &BTreeMap::new(), Some("Stable"), "m").map(|n| n.names);
        let names = names.map_err(|e| e.to_string());
        assert_eq!(names.as_ref().map(|n| n.get("LineItem").cloned()), Ok(Some("LineItem".to_owned())));
        assert_eq!(
            names.as_ref().map(|n| n.get("Stable20240101LineItem").cloned()),
            Ok(Some("LineItemV20240101".to_owned()))
        );
    }

    #[test]
    fn rename_that_matches_nothing_fails() {
        let renames = [("Nope".to_owned(), "Thing".to_owned())].into_iter().collect();
        let err = type_names(&["A"], &renames, Some("Stable"), "specs/codegen.toml").err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("[renames] entry `Nope` matched nothing")));
    }
}
