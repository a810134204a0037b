//! Which operations are paginated lists, and how each asks for its next
//! page ([`crate::model::PageStyle`]).
//!
//! An operation's style comes from the manifest's `[pagination]`: its own
//! entry in `operations` (the most specific that matches), else the
//! crate-wide cursor style; else, unless `detect = false`, from what the
//! operation looks like, with a warning naming it so that a wrong guess can
//! be switched off (`style = "none"`). Every declaration must apply: an
//! entry that matches no operation, or whose fields the operation lacks,
//! fails the run.

use std::collections::BTreeMap;

use crate::config::{Config, PageRule, PageStyleName};
use crate::error::{Error, Result, Warning};
use crate::merge::Origins;
use crate::model::{Field, Operation, PageStyle, Pagination, ParamLocation, TypeDef, TypeKind, TypeRef};

use super::patterns;

/// Page fields that hold the items, tried in order when the page has
/// several lists.
const ITEM_FIELDS: &[&str] = &["data", "items", "results", "entries", "records", "values", "elements"];
/// Query parameters that take a cursor from the page.
const CURSOR_PARAMS: &[&str] = &[
    "page_token",
    "pageToken",
    "cursor",
    "next_token",
    "nextToken",
    "continuation_token",
    "continuationToken",
    "starting_token",
    "after",
];
/// Page fields that hold the next cursor (besides one named as the cursor
/// parameter is, as Sequence's `pagination.after` is for `after`).
const NEXT_FIELDS: &[&str] = &["next_page", "next_page_token", "nextPageToken", "next_cursor", "nextCursor", "next_token", "nextToken"];
/// Query parameters that take the last item's id.
const LAST_ITEM_PARAMS: &[&str] = &["starting_after", "after"];
/// Page fields that say whether more pages follow.
const HAS_MORE_FIELDS: &[&str] = &["has_more", "hasMore"];
/// Query parameters that take a page number.
const PAGE_PARAMS: &[&str] = &["page", "page_number", "pageNumber"];

/// Sets each operation's pagination.
pub fn settle(config: &Config, operations: &mut [Operation], types: &BTreeMap<String, TypeDef>, origins: &Origins<'_>, warnings: &mut Vec<Warning>) -> Result<()> {
    let settings = config.pagination.clone().unwrap_or_default();
    let manifest = &config.manifest_name;
    let crate_wide = match (&settings.cursor, &settings.items, &settings.next) {
        (Some(cursor), Some(items), Some(next)) => Some((cursor.as_str(), items.as_str(), next.as_str())),
        (None, None, None) => None,
        _ => {
            return Err(Error::Manifest {
                file: manifest.clone(),
                message: "[pagination] gives some of `cursor`, `items` and `next`, but not all three".to_owned(),
                help: "give all three for the crate-wide cursor style, or none and declare operations in [pagination.operations]".to_owned(),
            });
        }
    };
    let entries = settings
        .operations
        .iter()
        .map(|(key, rule)| Ok((key.as_str(), patterns::parse(config, "[pagination.operations]", key)?, rule)))
        .collect::<Result<Vec<_>>>()?;
    let mut entry_used = vec![false; entries.len()];
    let mut crate_wide_used = false;
    for operation in operations.iter_mut() {
        let location = || origins.operation(&operation.path, &operation.method.as_str().to_ascii_lowercase(), "");
        let chosen = entries.iter().enumerate().filter(|(_, (_, entry, _))| entry.matches(operation)).max_by_key(|(index, (_, entry, _))| (entry.specificity(), std::cmp::Reverse(*index)));
        if let Some((index, (key, _, rule))) = chosen {
            if let Some(used) = entry_used.get_mut(index) {
                *used = true;
            }
            operation.pagination = match rule.style {
                PageStyleName::None => None,
                _ => Some(declared(operation, rule, types).map_err(|problem| Error::Invalid {
                    location: location(),
                    message: format!("[pagination.operations] {key:?} declares the `{}` style, but {problem}", style_name(rule.style)),
                    help: "name the operation's own parameter and response fields in the entry, or remove it".to_owned(),
                })?),
            };
            continue;
        }
        if let Some((cursor, items, next)) = crate_wide
            && let Some(pagination) = crate_wide_cursor(operation, cursor, items, next, types)
        {
            crate_wide_used = true;
            operation.pagination = Some(pagination);
            continue;
        }
        if settings.detect
            && let Some(pagination) = detect(operation, types)
        {
            warnings.push(Warning::at(
                location(),
                format!(
                    "{} {} is read as a paginated list ({}); `.pages()` and `.items()` follow its pages. If that is wrong, switch it off with `[pagination.operations] \"{} {}\" = {{ style = \"none\" }}`",
                    operation.method.as_str(),
                    operation.path,
                    describe(&pagination, operation),
                    operation.method.as_str(),
                    operation.path
                ),
            ));
            operation.pagination = Some(pagination);
        }
    }
    if let Some(((key, _, _), _)) = entries.iter().zip(&entry_used).find(|(_, used)| !**used) {
        return Err(Error::UnusedOverride { file: manifest.clone(), kind: "[pagination.operations] entry", key: (*key).to_owned() });
    }
    if let (Some((cursor, _, _)), false) = (crate_wide, crate_wide_used) {
        return Err(Error::UnusedOverride { file: manifest.clone(), kind: "[pagination] section", key: cursor.to_owned() });
    }
    Ok(())
}

fn style_name(style: PageStyleName) -> &'static str {
    match style {
        PageStyleName::Cursor => "cursor",
        PageStyleName::LastItem => "last-item",
        PageStyleName::Page => "page",
        PageStyleName::Link => "link",
        PageStyleName::None => "none",
    }
}

/// The style in words, for the warning of a detected list.
fn describe(pagination: &Pagination, operation: &Operation) -> String {
    let wire = |param: &str| operation.params.iter().find(|p| p.name == param).map_or(param.to_owned(), |p| p.wire_name.clone());
    match &pagination.style {
        PageStyle::Cursor { param, .. } => format!("the page's next cursor goes into `{}`", wire(param)),
        PageStyle::LastItem { param, .. } => format!("the last item's id goes into `{}` while more pages follow", wire(param)),
        PageStyle::Page { param, .. } => format!("page numbers in `{}`, until a page is empty", wire(param)),
        PageStyle::Link => "the `Link` header's next URL".to_owned(),
    }
}

/// The manifest's crate-wide cursor style, when `operation` has the cursor
/// parameter and its page the items and next-cursor fields.
fn crate_wide_cursor(operation: &Operation, cursor: &str, items: &str, next: &str, types: &BTreeMap<String, TypeDef>) -> Option<Pagination> {
    let param = string_param(operation, cursor).ok()?;
    let page = page_type(operation).ok()?;
    let list = items_of(types, page, Some(items)).ok()?;
    let (next, ty) = field_path(types, page, next)?;
    (ty == TypeRef::String).then_some(())?;
    Some(list.with(PageStyle::Cursor { param, next }, false))
}

/// The style an entry declares, or what the operation lacks for it.
fn declared(operation: &Operation, rule: &PageRule, types: &BTreeMap<String, TypeDef>) -> std::result::Result<Pagination, String> {
    let page = page_type(operation)?;
    let list = items_of(types, page, rule.items.as_deref())?;
    let param_named = |defaults: &[&str], kind: &str| match &rule.param {
        Some(name) => Ok(name.clone()),
        None => defaults
            .iter()
            .find(|name| operation.params.iter().any(|p| p.location == ParamLocation::Query && p.wire_name == **name))
            .map(|name| (*name).to_owned())
            .ok_or_else(|| format!("it has no {kind} parameter among {defaults:?}; name it with `param`")),
    };
    let style = match rule.style {
        PageStyleName::Cursor => {
            let param = string_param(operation, &param_named(CURSOR_PARAMS, "cursor")?)?;
            let next = rule.next.as_deref().ok_or("a cursor entry needs `next`, the response field of the next cursor")?;
            let (steps, ty) = field_path(types, page, next).ok_or_else(|| format!("its response has no field `{next}`"))?;
            if ty != TypeRef::String {
                return Err(format!("its response field `{next}` is not a string"));
            }
            PageStyle::Cursor { param, next: steps }
        }
        PageStyleName::LastItem => {
            let param = string_param(operation, &param_named(LAST_ITEM_PARAMS, "last-item")?)?;
            let flag = rule.has_more.as_deref().unwrap_or("has_more");
            let (has_more, ty) = field_path(types, page, flag).ok_or_else(|| format!("its response has no field `{flag}`"))?;
            if ty != TypeRef::Boolean {
                return Err(format!("its response field `{flag}` is not a boolean"));
            }
            let id = item_id(types, &list.item_type, rule.id.as_deref().unwrap_or("id"))?;
            PageStyle::LastItem { param, has_more, id }
        }
        PageStyleName::Page => page_param(operation, &param_named(PAGE_PARAMS, "page-number")?)?,
        PageStyleName::Link => PageStyle::Link,
        PageStyleName::None => return Err("`none` is no style".to_owned()),
    };
    Ok(list.with(style, false))
}

/// The common styles, recognised from the names of a `GET` operation's
/// query parameters and page fields, in this order: the last item's id with
/// a more-pages flag (Stripe, OpenAI), a cursor from the page (Oxide), the
/// `Link` header (GitHub), page numbers.
fn detect(operation: &Operation, types: &BTreeMap<String, TypeDef>) -> Option<Pagination> {
    // `page_type` refuses a call whose success bodies differ by status.
    if operation.method != crate::model::Method::Get {
        return None;
    }
    let page = page_type(operation).ok()?;
    let list = items_of(types, page, None).ok()?;
    let optional_query = |names: &[&str]| {
        names.iter().find_map(|name| operation.params.iter().find(|p| p.location == ParamLocation::Query && !p.required && p.wire_name == *name))
    };
    let page_fields = struct_fields(types, page);
    if let (Some(param), Some(fields)) = (optional_query(LAST_ITEM_PARAMS).filter(|p| p.ty == TypeRef::String), page_fields)
        && let Some(flag) = fields.iter().find(|f| HAS_MORE_FIELDS.contains(&f.wire_name.as_str()) && f.ty == TypeRef::Boolean)
        && let Ok(id) = item_id(types, &list.item_type, "id")
    {
        let style = PageStyle::LastItem { param: param.name.clone(), has_more: vec![(flag.name.clone(), optional(flag))], id };
        return Some(list.with(style, true));
    }
    if let (Some(param), Some(fields)) = (optional_query(CURSOR_PARAMS).filter(|p| p.ty == TypeRef::String), page_fields) {
        let named = |f: &&Field| f.ty == TypeRef::String && (NEXT_FIELDS.contains(&f.wire_name.as_str()) || f.wire_name == param.wire_name);
        let top = fields.iter().find(named).map(|f| vec![(f.name.clone(), optional(f))]);
        // One level down, as in `pagination.after`.
        let nested = || {
            fields.iter().find_map(|outer| {
                let inner = struct_fields(types, &outer.ty)?.iter().find(named)?;
                Some(vec![(outer.name.clone(), optional(outer)), (inner.name.clone(), optional(inner))])
            })
        };
        if let Some(next) = top.or_else(nested) {
            return Some(list.with(PageStyle::Cursor { param: param.name.clone(), next }, true));
        }
    }
    if operation.success.iter().any(|s| s.headers.iter().any(|h| h == "link")) {
        return Some(list.with(PageStyle::Link, true));
    }
    if let Some(param) = optional_query(PAGE_PARAMS)
        && let Ok(style) = page_param(operation, &param.wire_name)
    {
        return Some(list.with(style, true));
    }
    None
}

/// Where a page's items are.
struct List {
    field: Option<String>,
    optional: bool,
    item_type: TypeRef,
}

impl List {
    fn with(self, style: PageStyle, detected: bool) -> Pagination {
        Pagination { items_field: self.field, items_optional: self.optional, item_type: self.item_type, style, detected }
    }
}

/// The type of the operation's page: its one success body.
fn page_type(operation: &Operation) -> std::result::Result<&TypeRef, String> {
    if operation.response_enum.is_some() {
        return Err("its success responses differ by status".to_owned());
    }
    match operation.success.iter().find(|s| s.ty.is_some()) {
        Some(success) if success.encoding == crate::model::Encoding::Json => success.ty.as_ref().ok_or_else(|| "it answers no body".to_owned()),
        Some(_) => Err("its answer is not JSON".to_owned()),
        None => Err("it answers no body".to_owned()),
    }
}

/// The page's items: the field `named` (one that is not nested), else the
/// page itself when it is a list, else its one list field or the first of
/// [`ITEM_FIELDS`].
fn items_of(types: &BTreeMap<String, TypeDef>, page: &TypeRef, named: Option<&str>) -> std::result::Result<List, String> {
    if let (None, TypeRef::Array(item)) = (named, page) {
        return Ok(List { field: None, optional: false, item_type: (**item).clone() });
    }
    let fields = struct_fields(types, page).ok_or("its answer is neither a list nor an object")?;
    let lists: Vec<&Field> = fields.iter().filter(|f| matches!(f.ty, TypeRef::Array(_))).collect();
    let field = match named {
        Some(name) => lists.iter().find(|f| f.wire_name == name).ok_or_else(|| format!("its response has no list field `{name}`"))?,
        None => match lists.as_slice() {
            [one] => one,
            _ => ITEM_FIELDS
                .iter()
                .find_map(|name| lists.iter().find(|f| f.wire_name == *name))
                .ok_or("its response has no one list of items; name it with `items`")?,
        },
    };
    let TypeRef::Array(item) = &field.ty else { return Err("its items field is not a list".to_owned()) };
    Ok(List { field: Some(field.name.clone()), optional: optional(field), item_type: (**item).clone() })
}

/// The fields of a struct type; `None` for any other type.
fn struct_fields<'t>(types: &'t BTreeMap<String, TypeDef>, ty: &TypeRef) -> Option<&'t [Field]> {
    match ty {
        TypeRef::Named(name) => match &types.get(name)?.kind {
            TypeKind::Struct { fields, .. } => Some(fields),
            _ => None,
        },
        _ => None,
    }
}

/// Whether a field's value may be missing (absent or `null`).
fn optional(field: &Field) -> bool {
    !field.required || field.nullable
}

/// The Rust steps of a dotted path of wire names through `ty`'s structs,
/// each with whether it is optional, and the type at its end.
fn field_path(types: &BTreeMap<String, TypeDef>, ty: &TypeRef, dotted: &str) -> Option<(Vec<(String, bool)>, TypeRef)> {
    let mut steps = Vec::new();
    let mut current = ty.clone();
    for name in dotted.split('.') {
        let field = struct_fields(types, &current)?.iter().find(|f| f.wire_name == name)?;
        steps.push((field.name.clone(), optional(field)));
        current = field.ty.clone();
    }
    Some((steps, current))
}

/// The Rust name of an item's string field `name`, and whether it is optional.
fn item_id(types: &BTreeMap<String, TypeDef>, item: &TypeRef, name: &str) -> std::result::Result<(String, bool), String> {
    let fields = struct_fields(types, item).ok_or("its items are not objects")?;
    let field = fields.iter().find(|f| f.wire_name == name && f.ty == TypeRef::String).ok_or_else(|| format!("its items have no string field `{name}`"))?;
    Ok((field.name.clone(), optional(field)))
}

/// The Rust name of the operation's optional string query parameter `wire`.
fn string_param(operation: &Operation, wire: &str) -> std::result::Result<String, String> {
    let param = operation.params.iter().find(|p| p.location == ParamLocation::Query && p.wire_name == wire).ok_or_else(|| format!("it has no query parameter `{wire}`"))?;
    if param.required {
        return Err(format!("its query parameter `{wire}` is required, so the first page could not be asked for without it"));
    }
    if param.ty != TypeRef::String {
        return Err(format!("its query parameter `{wire}` is not a string"));
    }
    Ok(param.name.clone())
}

/// The page-number style on the operation's optional integer parameter `wire`.
fn page_param(operation: &Operation, wire: &str) -> std::result::Result<PageStyle, String> {
    let param = operation.params.iter().find(|p| p.location == ParamLocation::Query && p.wire_name == wire).ok_or_else(|| format!("it has no query parameter `{wire}`"))?;
    if param.required || !matches!(param.ty, TypeRef::Integer { .. }) {
        return Err(format!("its query parameter `{wire}` is not an optional integer"));
    }
    Ok(PageStyle::Page { param: param.name.clone(), first: param.minimum.unwrap_or(1) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn style_names_are_the_manifest_spelling() {
        for (name, style) in [("cursor", PageStyleName::Cursor), ("last-item", PageStyleName::LastItem), ("page", PageStyleName::Page), ("link", PageStyleName::Link), ("none", PageStyleName::None)] {
            assert_eq!(style_name(style), name);
            let parsed: PageStyleName = serde_json::from_value(serde_json::json!(name)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(parsed, style);
        }
        assert_eq!(PageStyle::Link.name(), "link");
    }
}
