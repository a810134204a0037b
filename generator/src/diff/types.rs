//! Types: structs and their fields, enums of values, unions and aliases.

use super::{Changes, Kind, match_by, presence};
use crate::model::{Additional, Api, Field, Flattened, TypeDef, TypeKind};

pub(super) fn compare(old: &Api, new: &Api, out: &mut Changes) {
    let matched = match_by(&old.types, &new.types, |t| t.name.clone());
    for removed in matched.removed {
        out.breaking(
            &format!("types::{}", removed.name),
            Kind::Removed,
            format!("schema `{}` removed", removed.wire_name),
            format!("code naming `types::{}` no longer compiles", removed.name),
        );
    }
    for added in matched.added {
        out.compatible(
            &format!("types::{}", added.name),
            Kind::Added,
            format!("schema `{}` added", added.wire_name),
            "a new type; nothing existing changes".to_owned(),
        );
    }
    for (before, after) in matched.both {
        type_def(before, after, out);
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct { .. } => "a struct",
        TypeKind::Union { .. } => "an enum of types",
        TypeKind::Enum { .. } => "an enum of values",
        TypeKind::Alias { .. } => "a type alias",
    }
}

fn type_def(old: &TypeDef, new: &TypeDef, out: &mut Changes) {
    let item = format!("types::{}", new.name);
    out.deprecation(&item, old.deprecated, new.deprecated);
    match (&old.kind, &new.kind) {
        (
            TypeKind::Struct { fields: old_fields, additional: old_additional, flattened: old_flattened },
            TypeKind::Struct { fields: new_fields, additional: new_additional, flattened: new_flattened },
        ) => {
            structure(&item, old, new, (old_fields, new_fields), (old_additional, new_additional), out);
            flattened(&item, &new.name, old_flattened, new_flattened, out);
        }
        (TypeKind::Enum { variants: old_variants, fallback: old_fallback }, TypeKind::Enum { variants: new_variants, fallback: new_fallback }) => {
            let matched = match_by(old_variants, new_variants, |v| v.name.clone());
            for added in matched.added {
                out.compatible(
                    &item,
                    Kind::Added,
                    format!("value `{}` added as `{}::{}`", added.wire_name, new.name, added.name),
                    format!(
                        "the enum is #[non_exhaustive], so `match`es already have a `_` arm; `{}` now decodes into `{}::{}` instead of `{}::{new_fallback}`",
                        added.wire_name, new.name, added.name, new.name
                    ),
                );
            }
            for removed in matched.removed {
                out.breaking(
                    &item,
                    Kind::Removed,
                    format!("value `{}` (`{}::{}`) removed", removed.wire_name, new.name, removed.name),
                    format!("code naming `{}::{}` no longer compiles", new.name, removed.name),
                );
            }
            for (before, after) in matched.both.into_iter().filter(|(b, a)| b.wire_name != a.wire_name) {
                out.compatible(
                    &item,
                    Kind::Changed,
                    format!("`{}::{}` is now sent as `{}` (was `{}`)", new.name, after.name, after.wire_name, before.wire_name),
                    "only the value on the wire changes".to_owned(),
                );
            }
            if old_fallback != new_fallback {
                out.breaking(
                    &item,
                    Kind::Changed,
                    format!("the variant for unknown values is now `{new_fallback}` (was `{old_fallback}`)"),
                    format!("code naming `{}::{old_fallback}` no longer compiles", new.name),
                );
            }
        }
        (
            TypeKind::Union { variants: old_variants, discriminator: old_tag, fallback: old_fallback },
            TypeKind::Union { variants: new_variants, discriminator: new_tag, fallback: new_fallback },
        ) => {
            let open = "the enum is #[non_exhaustive], so `match`es on it already have a `_` arm";
            let matched = match_by(old_variants, new_variants, |v| v.name.clone());
            for added in matched.added {
                out.compatible(
                    &item,
                    Kind::Added,
                    format!("variant `{}` (`{}`) added", added.name, added.ty.value_type()),
                    format!("{open}; values of that kind now decode into `{}::{}`", new.name, added.name),
                );
            }
            for removed in matched.removed {
                out.breaking(
                    &item,
                    Kind::Removed,
                    format!("variant `{}` removed", removed.name),
                    format!("code naming `{}::{}` no longer compiles", new.name, removed.name),
                );
            }
            for (before, after) in matched.both {
                if before.ty.value_type() != after.ty.value_type() || before.boxed != after.boxed {
                    out.breaking(
                        &item,
                        Kind::Changed,
                        format!("variant `{}` now holds `{}` (was `{}`)", after.name, after.ty.value_type(), before.ty.value_type()),
                        format!("code building or matching `{}::{}` must use the new type", new.name, after.name),
                    );
                } else if before.tags != after.tags {
                    out.compatible(
                        &item,
                        Kind::Changed,
                        format!("variant `{}` is chosen by {:?} (was {:?})", after.name, after.tags, before.tags),
                        "only the JSON read and written changes".to_owned(),
                    );
                }
            }
            match (old_tag, new_tag) {
                (None, Some(tag)) => out.compatible(
                    &item,
                    Kind::Changed,
                    format!("now chosen by the property `{tag}`"),
                    format!("gains the variant `{}::{}` for unknown kinds; {open}", new.name, new_fallback.as_deref().unwrap_or_default()),
                ),
                (Some(tag), None) => out.breaking(
                    &item,
                    Kind::Changed,
                    format!("no longer chosen by the property `{tag}`"),
                    format!("loses its variant `{}::{}` for unknown kinds; code naming it no longer compiles", new.name, old_fallback.as_deref().unwrap_or_default()),
                ),
                (Some(before), Some(after)) if before != after => out.compatible(
                    &item,
                    Kind::Changed,
                    format!("now chosen by the property `{after}` (was `{before}`)"),
                    "only the JSON read and written changes".to_owned(),
                ),
                (Some(_), Some(_)) if old_fallback != new_fallback => out.breaking(
                    &item,
                    Kind::Changed,
                    format!("the variant for unknown kinds is now `{}` (was `{}`)", new_fallback.as_deref().unwrap_or_default(), old_fallback.as_deref().unwrap_or_default()),
                    format!("code naming `{}::{}` no longer compiles", new.name, old_fallback.as_deref().unwrap_or_default()),
                ),
                _ => {}
            }
        }
        (TypeKind::Alias { target: before }, TypeKind::Alias { target: after }) if before.value_type() != after.value_type() => out.breaking(
            &item,
            Kind::Changed,
            format!("now `{}` (was `{}`)", after.value_type(), before.value_type()),
            format!("code using `{}` as `{}` no longer compiles", new.name, before.value_type()),
        ),
        (TypeKind::Alias { .. }, TypeKind::Alias { .. }) => {}
        (before, after) => out.breaking(
            &item,
            Kind::Changed,
            format!("now {} (was {})", kind_name(after), kind_name(before)),
            format!("code using `{}` as {} no longer compiles", new.name, kind_name(before)),
        ),
    }
}

fn structure(
    item: &str,
    old: &TypeDef,
    new: &TypeDef,
    (old_fields, new_fields): (&[Field], &[Field]),
    (old_additional, new_additional): (&Option<Additional>, &Option<Additional>),
    out: &mut Changes,
) {
    let name = &new.name;
    let old_setters = old_fields.iter().any(|f| f.setter.is_some());
    let new_setters = new_fields.iter().any(|f| f.setter.is_some());
    match (old.request, new.request) {
        (false, true) if new_setters => out.compatible(
            item,
            Kind::Changed,
            "now sent as a request body".to_owned(),
            format!("gains a setter per optional field; `{name}::new` stays"),
        ),
        (true, false) if old_setters => out.breaking(
            item,
            Kind::Changed,
            "no longer sent as a request body".to_owned(),
            format!("the setters of `{name}` are gone; `{name}::new` stays"),
        ),
        _ => {}
    }
    let keeps_compiling = if new.request {
        format!("`{name}::new`, its setters and literals ending in `..{name}::new(…)` keep compiling")
    } else {
        format!("`{name}::new` and literals ending in `..{name}::new(…)` keep compiling")
    };
    let matched = match_by(old_fields, new_fields, |f| f.name.clone());
    for added in &matched.added {
        let change = format!("{} field `{}` added as `{}: {}`", presence(added.required), added.wire_name, added.name, added.declared_type());
        if added.shape.in_constructor() {
            out.breaking(item, Kind::Added, change, format!("`{name}::new` takes a new argument `{}`", added.name));
        } else if added.setter.is_some() {
            out.compatible(item, Kind::Added, change, format!("new setter `{name}::{}`; {keeps_compiling}", added.name));
        } else {
            out.compatible(item, Kind::Added, change, keeps_compiling.clone());
        }
    }
    for removed in &matched.removed {
        let mut effect = format!("code reading or setting `{name}.{}` no longer compiles", removed.name);
        if removed.shape.in_constructor() {
            effect.push_str(&format!("; `{name}::new` loses the argument `{}`", removed.name));
        } else if removed.setter.is_some() {
            effect.push_str(&format!("; the setter `{name}::{}` is gone", removed.name));
        }
        out.breaking(item, Kind::Removed, format!("{} field `{}` removed", presence(removed.required), removed.wire_name), effect);
    }
    for (before, after) in &matched.both {
        field(item, (old, new), before, after, out);
    }
    let in_both = |fields: &[Field], other: &[Field]| -> Vec<String> {
        crate::model::constructor_fields(fields)
            .into_iter()
            .filter(|f| other.iter().any(|o| o.name == f.name))
            .map(|f| f.name.clone())
            .collect()
    };
    let old_order = in_both(old_fields, new_fields);
    let new_order = in_both(new_fields, old_fields);
    let mut old_sorted = old_order.clone();
    let mut new_sorted = new_order.clone();
    old_sorted.sort();
    new_sorted.sort();
    if old_sorted == new_sorted && old_order != new_order {
        out.breaking(
            item,
            Kind::Changed,
            format!("required fields reordered: {}", new_order.join(", ")),
            format!("`{name}::new` takes its arguments in the new order"),
        );
    }
    match (old_additional, new_additional) {
        (None, Some(added)) => out.compatible(
            item,
            Kind::Changed,
            "now allows properties beyond the declared ones".to_owned(),
            format!("new field `{}: BTreeMap<String, {}>`, empty in `{name}::new`; {keeps_compiling}", added.name, added.ty.value_type()),
        ),
        (Some(removed), None) => out.breaking(
            item,
            Kind::Changed,
            "no longer allows properties beyond the declared ones".to_owned(),
            format!("the field `{}` is gone", removed.name),
        ),
        (Some(before), Some(after)) if before.ty.value_type() != after.ty.value_type() => out.breaking(
            item,
            Kind::Changed,
            format!("undeclared properties are now `{}` (were `{}`)", after.ty.value_type(), before.ty.value_type()),
            format!("`{name}.{}` changes type", after.name),
        ),
        (Some(before), Some(after)) if before.name != after.name => out.breaking(
            item,
            Kind::Changed,
            format!("undeclared properties are now held in `{}` (was `{}`)", after.name, before.name),
            format!("code naming `{name}.{}` no longer compiles", before.name),
        ),
        _ => {}
    }
}

/// The unions a struct carries beside its fields: each one a public field
/// and an argument of `new`.
fn flattened(item: &str, name: &str, old: &[Flattened], new: &[Flattened], out: &mut Changes) {
    let declared = |f: &Flattened| if f.boxed { format!("Box<{}>", f.ty.value_type()) } else { f.ty.value_type() };
    let matched = match_by(old, new, |f| f.name.clone());
    for added in matched.added {
        out.breaking(
            item,
            Kind::Added,
            format!("now also one of `{}` (`allOf`), held in `{}`", added.ty.value_type(), added.name),
            format!("new field `{}: {}`; `{name}::new` takes a new argument `{}`", added.name, declared(added), added.name),
        );
    }
    for removed in matched.removed {
        out.breaking(
            item,
            Kind::Removed,
            format!("no longer also one of `{}` (`allOf`)", removed.ty.value_type()),
            format!("code reading or setting `{name}.{}` no longer compiles; `{name}::new` loses the argument `{}`", removed.name, removed.name),
        );
    }
    for (before, after) in matched.both.into_iter().filter(|(b, a)| declared(b) != declared(a)) {
        out.breaking(
            item,
            Kind::Changed,
            format!("now also one of `{}` (was `{}`)", after.ty.value_type(), before.ty.value_type()),
            format!("`{name}.{}` changes type from `{}` to `{}`", after.name, declared(before), declared(after)),
        );
    }
}

fn field(item: &str, (old_def, new_def): (&TypeDef, &TypeDef), old: &Field, new: &Field, out: &mut Changes) {
    let name = &new_def.name;
    let (old_declared, new_declared) = (old.declared_type(), new.declared_type());
    let (old_ty, new_ty) = (old.ty.value_type(), new.ty.value_type());
    let mut what = Vec::new();
    if old.required != new.required {
        what.push(format!("became {}", presence(new.required)));
    }
    if old.nullable != new.nullable {
        what.push(if new.nullable { "became nullable".to_owned() } else { "is no longer nullable".to_owned() });
    }
    if old_ty != new_ty {
        what.push(format!("type changed from `{old_ty}` to `{new_ty}`"));
    }
    if old.boxed != new.boxed {
        what.push(if new.boxed { "now boxed (it contains its owner, or is large)".to_owned() } else { "no longer boxed".to_owned() });
    }
    if old_def.update != new_def.update && what.is_empty() {
        what.push(if new_def.update { format!("`{name}` is now the body of a PUT or PATCH") } else { format!("`{name}` is no longer the body of a PUT or PATCH") });
    }
    let constructor = match (old.shape.in_constructor(), new.shape.in_constructor()) {
        (false, true) if old.setter.is_some() => {
            Some(format!("`{name}::new` takes a new argument `{0}` and the setter `{name}::{0}` is gone", new.name))
        }
        (false, true) => Some(format!("`{name}::new` takes a new argument `{}`", new.name)),
        (true, false) if new.setter.is_some() => {
            Some(format!("`{name}::new` loses the argument `{0}`, which the new setter `{name}::{0}` sets", new.name))
        }
        (true, false) => Some(format!("`{name}::new` loses the argument `{}`", new.name)),
        _ => None,
    };
    let change = format!("field `{}` {}", new.wire_name, what.join(", "));
    if old_declared != new_declared {
        let mut effect = format!("`{name}.{}` changes type from `{old_declared}` to `{new_declared}`", new.name);
        if let Some(constructor) = constructor {
            effect = format!("{effect}; {constructor}");
        }
        out.breaking(item, Kind::Changed, change, effect);
    } else if let Some(constructor) = constructor {
        out.breaking(item, Kind::Changed, change, constructor);
    } else if !what.is_empty() {
        out.compatible(
            item,
            Kind::Changed,
            change,
            format!("its Rust type `{new_declared}` stays; only what is sent or accepted changes"),
        );
    }
    if old.wire_name != new.wire_name {
        out.compatible(
            item,
            Kind::Changed,
            format!("field `{}` is now sent and read as `{}`", old.wire_name, new.wire_name),
            format!("`{name}.{}` keeps its name; only the JSON changes", new.name),
        );
    }
    out.deprecation(&format!("{item}.{}", new.name), old.deprecated, new.deprecated);
}
