//! `format: binary` strings: bytes where a multipart body sends them as
//! files, strings everywhere else (the way JSON carries them).

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{TypeDef, TypeKind, TypeRef};

/// Turns raw bytes in `ty` into strings: a `format: binary` string is
/// bytes only as a part of a multipart body, where it travels as a file.
pub fn text_for_bytes(ty: &mut TypeRef) {
    match ty {
        TypeRef::Bytes => *ty = TypeRef::String,
        TypeRef::Array(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => text_for_bytes(inner),
        _ => {}
    }
}

/// Turns raw bytes in the types not sent as parts of a multipart body
/// back into strings, the way JSON carries them. `multipart_bodies` are the
/// types of multipart request bodies; they keep their bytes, and so do the
/// unions and aliases their properties have.
pub fn settle_bytes(types: &mut BTreeMap<String, TypeDef>, multipart_bodies: &[String]) {
    let mut keep = BTreeSet::new();
    // (type, whether it stands for the whole body or for one part)
    let mut stack: Vec<(String, bool)> = multipart_bodies.iter().map(|n| (n.clone(), true)).collect();
    let mut seen = BTreeSet::new();
    while let Some((name, whole)) = stack.pop() {
        if !seen.insert((name.clone(), whole)) {
            continue;
        }
        let Some(def) = types.get(&name) else { continue };
        let next: Vec<&TypeRef> = match (&def.kind, whole) {
            (TypeKind::Alias { target }, _) => vec![target],
            (TypeKind::Struct { fields, .. }, true) => fields.iter().map(|f| &f.ty).collect(),
            (TypeKind::Union { variants, .. }, false) => variants.iter().map(|v| &v.ty).collect(),
            _ => continue,
        };
        keep.insert(name.clone());
        for mut ty in next {
            while let TypeRef::Array(item) = ty {
                ty = item;
            }
            if let TypeRef::Named(target) = ty {
                // An alias of the body is the body; anything else is a part.
                let whole = whole && matches!(def.kind, TypeKind::Alias { .. });
                stack.push((target.clone(), whole));
            }
        }
    }
    for def in types.values_mut() {
        if keep.contains(&def.name) {
            continue;
        }
        match &mut def.kind {
            TypeKind::Struct { fields, additional, flattened } => {
                fields.iter_mut().for_each(|f| text_for_bytes(&mut f.ty));
                additional.iter_mut().for_each(|a| text_for_bytes(&mut a.ty));
                flattened.iter_mut().for_each(|f| text_for_bytes(&mut f.ty));
            }
            TypeKind::Union { variants, .. } => variants.iter_mut().for_each(|v| text_for_bytes(&mut v.ty)),
            TypeKind::Alias { target } => text_for_bytes(target),
            TypeKind::Enum { .. } => {}
        }
    }
}
