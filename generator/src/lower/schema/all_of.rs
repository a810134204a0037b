//! `allOf: [object, oneOf: […]]`: an object that is also one of several
//! kinds, lowered into a struct with the union flattened beside its fields.

use std::collections::BTreeSet;

use openapiv3::{ObjectType, ReferenceOr, Schema};

use super::{Place, SchemaLowerer, adds_nothing, merge_into};
use crate::error::Result;
use crate::model::{Flattened, TypeKind, TypeRef};
use crate::naming;

/// A member of an allOf, with its index there.
pub(super) type AllOfMember<'s> = (usize, &'s ReferenceOr<Schema>);

impl SchemaLowerer<'_> {
    /// An allOf of objects and at least one union: the objects merged (as
    /// `merged_object` merges them) and the union members, each with its
    /// index in the allOf. `None` for any other allOf.
    pub(super) fn object_and_unions<'s>(&self, all_of: &'s [ReferenceOr<Schema>]) -> Option<(ObjectType, Vec<AllOfMember<'s>>)> {
        let mut merged = ObjectType::default();
        let mut any_object = false;
        let mut unions = Vec::new();
        for (index, member) in all_of.iter().enumerate() {
            let schema = match member {
                ReferenceOr::Reference { reference } => self.component(reference)?,
                ReferenceOr::Item(schema) => schema,
            };
            if adds_nothing(schema) {
                continue;
            }
            if self.union_members(schema).is_some() {
                unions.push((index, member));
                continue;
            }
            merge_into(&mut merged, self.merged_object(schema, 1)?);
            any_object = true;
        }
        (any_object && !unions.is_empty()).then_some((merged, unions))
    }

    /// The property names of each object a union can be (nested unions
    /// opened up); `None` when one of its members is not an object.
    fn union_objects(&self, schema: &Schema, depth: usize) -> Option<Vec<BTreeSet<String>>> {
        // Unions nested deeper than this are cycles or abuse.
        if depth > 32 {
            return None;
        }
        let (_, members) = self.union_members(schema)?;
        let mut objects = Vec::new();
        for member in members {
            let member = match member {
                ReferenceOr::Reference { reference } => self.component(reference)?,
                ReferenceOr::Item(schema) => schema,
            };
            match self.merged_object(member, 0) {
                Some(object) => objects.push(object.properties.keys().cloned().collect()),
                None => objects.extend(self.union_objects(member, depth + 1)?),
            }
        }
        Some(objects)
    }

    /// `allOf: [object, oneOf: […]]`: a struct with the object's fields
    /// and the union flattened beside them, so that a value is one of the
    /// union's objects plus the fields. A property the union's objects
    /// declare too is left to them, since serde hands each property to one
    /// place only; one that only some declare cannot be placed, and then,
    /// like a union of non-objects, the schema is read as any JSON value.
    pub(super) fn object_with_unions(
        &mut self,
        name: &str,
        wire_name: &str,
        mut object: ObjectType,
        unions: &[AllOfMember<'_>],
        place: &Place<'_>,
    ) -> Result<TypeKind> {
        let mut objects = Vec::new();
        for (index, member) in unions {
            let schema = match member {
                ReferenceOr::Reference { reference } => self.component(reference),
                ReferenceOr::Item(schema) => Some(schema),
            };
            match schema.and_then(|s| self.union_objects(s, 0)) {
                Some(found) => objects.extend(found),
                None => {
                    let what = "this allOf combines an object with a union that is not a union of objects";
                    let target = self.unsupported(&place.child(&format!("/allOf/{index}")), what);
                    return Ok(TypeKind::Alias { target });
                }
            }
        }
        let mut left_to_union = BTreeSet::new();
        for property in object.properties.keys() {
            match objects.iter().filter(|o| o.contains(property)).count() {
                0 => {}
                n if n == objects.len() => {
                    left_to_union.insert(property.clone());
                }
                _ => {
                    let what = format!(
                        "property {property:?} of this allOf is declared by some of the union's objects but not all, so it has no one place in a type"
                    );
                    return Ok(TypeKind::Alias { target: self.unsupported(place, &what) });
                }
            }
        }
        object.properties.retain(|property, _| !left_to_union.contains(property));
        object.required.retain(|property| !left_to_union.contains(property));

        let fields = self.fields(name, wire_name, &object, place)?;
        let mut taken = naming::reserved_field_names();
        taken.extend(fields.iter().map(|f| f.name.clone()));
        let mut flattened = Vec::new();
        for (index, member) in unions {
            let member_place = place.child(&format!("/allOf/{index}"));
            let keyword = match member {
                ReferenceOr::Item(schema) => self.union_members(schema).map_or("oneOf", |(keyword, _)| keyword),
                ReferenceOr::Reference { .. } => "oneOf",
            };
            let ty = self.type_ref(member, &format!("{name}{}", naming::type_name(keyword)), &member_place)?;
            let field = match (&ty, member) {
                (TypeRef::Named(union), ReferenceOr::Reference { .. }) => naming::field_name(union),
                _ => naming::field_name(keyword),
            };
            flattened.push(Flattened { name: naming::unique(field, &mut taken), ty, boxed: false });
        }
        Ok(TypeKind::Struct { fields, additional: None, flattened })
    }
}
