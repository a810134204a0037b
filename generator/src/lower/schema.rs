//! Schemas → model types: component schemas become named types, inline
//! objects and enums are named after the place they stand, and uses of a
//! schema become `TypeRef`s.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ObjectType, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

mod all_of;

use crate::config::FieldType;
use crate::error::{Error, Result};
use crate::merge::Origins;
use crate::model::{Additional, Field, TypeDef, TypeKind, TypeRef, UnionVariant, Variant};
use crate::naming;

use crate::refs::SCHEMA_PREFIX;

/// Where a schema stands, for error locations: a component or an operation.
#[derive(Clone)]
pub enum Place<'p> {
    Component { name: &'p str, pointer: String },
    Operation { path: &'p str, method: &'p str, pointer: String },
}

impl Place<'_> {
    fn child(&self, suffix: &str) -> Self {
        match self {
            Place::Component { name, pointer } => Place::Component { name, pointer: format!("{pointer}{suffix}") },
            Place::Operation { path, method, pointer } => {
                Place::Operation { path, method, pointer: format!("{pointer}{suffix}") }
            }
        }
    }
}

pub struct SchemaLowerer<'a> {
    components: &'a IndexMap<String, ReferenceOr<Schema>>,
    names: &'a BTreeMap<String, String>,
    origins: &'a Origins<'a>,
    taken: BTreeSet<String>,
    field_types: &'a BTreeMap<String, FieldType>,
    /// The `field_types` keys that matched a field.
    pub used_field_types: BTreeSet<String>,
    pub types: BTreeMap<String, TypeDef>,
    pub warnings: Vec<crate::error::Warning>,
    /// (wanted Rust name, shape) → the type defined for it: an inline
    /// schema with the shape of the type its name would collide with is
    /// that type (`lower::shapes`).
    defined_shapes: BTreeMap<(String, String), String>,
    /// Inline schemas made one type with another (info level).
    pub notes: Vec<String>,
}

/// A schema or a reference to one, whichever box it came in.
enum Node<'s> {
    Ref(&'s str),
    Schema(&'s Schema),
}

fn node(schema: &ReferenceOr<Box<Schema>>) -> Node<'_> {
    match schema {
        ReferenceOr::Reference { reference } => Node::Ref(reference),
        ReferenceOr::Item(schema) => Node::Schema(schema),
    }
}

fn node_unboxed(schema: &ReferenceOr<Schema>) -> Node<'_> {
    match schema {
        ReferenceOr::Reference { reference } => Node::Ref(reference),
        ReferenceOr::Item(schema) => Node::Schema(schema),
    }
}

impl<'a> SchemaLowerer<'a> {
    pub fn new(
        components: &'a IndexMap<String, ReferenceOr<Schema>>,
        names: &'a BTreeMap<String, String>,
        origins: &'a Origins<'a>,
        field_types: &'a BTreeMap<String, FieldType>,
    ) -> Self {
        SchemaLowerer {
            components,
            names,
            origins,
            field_types,
            used_field_types: BTreeSet::new(),
            taken: names.values().cloned().collect(),
            types: BTreeMap::new(),
            warnings: Vec::new(),
            defined_shapes: BTreeMap::new(),
            notes: Vec::new(),
        }
    }

    /// The shape of a schema (`lower::shapes::shape_text`), references
    /// named by the Rust names of their targets.
    fn shape<T: serde::Serialize>(&self, schema: &T) -> Option<String> {
        let value = serde_json::to_value(schema).ok()?;
        Some(super::shapes::shape_text(&value, &|target| self.names.get(target).cloned()))
    }

    fn location(&self, place: &Place<'_>) -> crate::error::Location {
        match place {
            Place::Component { name, pointer } => self.origins.component("schemas", name, pointer),
            Place::Operation { path, method, pointer } => self.origins.operation(path, method, pointer),
        }
    }

    /// Lowers every group of component schemas into a named type: its
    /// representative, under the group's spelling when it has several
    /// members (so that nothing in the type is named by a vendor's number).
    pub fn lower_components(&mut self, groups: &[super::shapes::Group]) -> Result<()> {
        let lowered: BTreeMap<&str, &super::shapes::Group> = groups.iter().map(|g| (g.representative.as_str(), g)).collect();
        // Every component's shape first: an inline schema met in any of them
        // may have the shape of one lowered later.
        for (wire_name, schema) in self.components {
            let Some(name) = self.names.get(wire_name).cloned() else { continue };
            if lowered.contains_key(wire_name.as_str())
                && let Some(shape) = self.shape(schema)
            {
                self.defined_shapes.insert((name.clone(), shape), name);
            }
        }
        for (wire_name, schema) in self.components {
            let Some(name) = self.names.get(wire_name).cloned() else { continue };
            let Some(group) = lowered.get(wire_name.as_str()) else { continue };
            let type_wire_name = if group.members.len() > 1 { group.spelled.as_str() } else { wire_name.as_str() };
            let place = Place::Component { name: wire_name, pointer: String::new() };
            let def = match schema {
                ReferenceOr::Reference { reference } => {
                    let target = self.reference(reference, &place)?;
                    named(name, type_wire_name, None, TypeKind::Alias { target })
                }
                ReferenceOr::Item(schema) => self.define(name, type_wire_name, schema, &place)?,
            };
            self.types.insert(def.name.clone(), def);
        }
        Ok(())
    }

    /// The type of a schema used somewhere; inline objects and enums are
    /// defined as new types named `context`.
    pub fn type_ref(&mut self, schema: &ReferenceOr<Schema>, context: &str, place: &Place<'_>) -> Result<TypeRef> {
        self.node_type(node_unboxed(schema), context, place)
    }

    fn node_type(&mut self, node: Node<'_>, context: &str, place: &Place<'_>) -> Result<TypeRef> {
        match node {
            Node::Ref(reference) => self.reference(reference, &place.child("/$ref")),
            Node::Schema(schema) => self.inline(schema, context, place),
        }
    }

    fn reference(&self, reference: &str, place: &Place<'_>) -> Result<TypeRef> {
        let Some(target) = reference.strip_prefix(SCHEMA_PREFIX) else {
            let help = if reference.starts_with('#') {
                "point at a schema under #/components/schemas/"
            } else {
                "references to other files or URLs are not followed; vendor the referenced schema into this file"
            };
            return Err(Error::UnsupportedRef { location: self.location(place), reference: reference.to_owned(), help });
        };
        let target = crate::locate::unescape_pointer_token(target);
        match self.names.get(&target) {
            Some(name) if self.components.contains_key(&target) => Ok(TypeRef::Named(name.clone())),
            _ => Err(Error::DanglingRef { location: self.location(place), reference: reference.to_owned() }),
        }
    }

    fn inline(&mut self, schema: &Schema, context: &str, place: &Place<'_>) -> Result<TypeRef> {
        if self.needs_definition(schema) {
            let wanted = naming::type_name(context);
            // The type its name would collide with, when the shapes are the
            // same (`Customer.address` and a component `CustomerAddress`):
            // one type, not a numbered copy.
            let shape = self.shape(schema);
            if let Some(same) = shape.as_ref().and_then(|shape| self.defined_shapes.get(&(wanted.clone(), shape.clone()))).cloned() {
                self.notes.push(format!("{}: this inline schema has the shape of `{same}`: it is that type", self.location(place)));
                return Ok(TypeRef::Named(same));
            }
            let name = naming::unique(wanted.clone(), &mut self.taken);
            if let Some(shape) = shape {
                self.defined_shapes.insert((wanted, shape), name.clone());
            }
            let def = self.define(name.clone(), context, schema, place)?;
            self.types.insert(name.clone(), def);
            return Ok(TypeRef::Named(name));
        }
        Ok(match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
                // Bytes where a multipart body sends it as a file; elsewhere
                // `lower` turns it back into a string (`text_for_bytes`).
                VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => TypeRef::Bytes,
                _ => TypeRef::String,
            },
            SchemaKind::Type(Type::Integer(i)) => match &i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::Integer { bits: 32, signed: true },
                _ => TypeRef::Integer { bits: 64, signed: true },
            },
            SchemaKind::Type(Type::Number(n)) => match &n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::Float { bits: 32 },
                _ => TypeRef::Float { bits: 64 },
            },
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Array(array)) => self.array_type(array.items.as_ref(), context, place)?,
            SchemaKind::Any(any) if any.items.is_some() => self.array_type(any.items.as_ref(), context, place)?,
            SchemaKind::Type(Type::Object(object)) => self.map_type(object.additional_properties.as_ref(), context, place)?,
            SchemaKind::Any(any) if any.additional_properties.is_some() => {
                self.map_type(any.additional_properties.as_ref(), context, place)?
            }
            SchemaKind::AllOf { all_of } => match self.single_member(all_of) {
                Some((index, inner)) => self.type_ref(inner, context, &place.child(&format!("/allOf/{index}")))?,
                None => self.unsupported(place, "this allOf mixes types that cannot be merged into one"),
            },
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
                let keyword = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
                match (members.as_slice(), self.string_union(members)) {
                    ([only], _) => self.type_ref(only, context, &place.child(&format!("/{keyword}/0")))?,
                    (_, Some(Some(index))) => match members.get(index) {
                        Some(member) => self.type_ref(member, context, &place.child(&format!("/{keyword}/{index}")))?,
                        None => TypeRef::String,
                    },
                    (_, Some(None)) => TypeRef::String,
                    _ => TypeRef::Json,
                }
            }
            SchemaKind::Any(_) | SchemaKind::Not { .. } => TypeRef::Json,
        })
    }

    fn unsupported(&mut self, place: &Place<'_>, what: &str) -> TypeRef {
        self.warnings.push(crate::error::Warning::at(self.location(place), format!("{what}; it is read as any JSON value")));
        TypeRef::Json
    }

    fn array_type(&mut self, items: Option<&ReferenceOr<Box<Schema>>>, context: &str, place: &Place<'_>) -> Result<TypeRef> {
        Ok(match items {
            Some(items) => {
                let item = self.node_type(node(items), &format!("{context}Item"), &place.child("/items"))?;
                TypeRef::Array(Box::new(self.nullable(node(items), item)))
            }
            None => TypeRef::Array(Box::new(TypeRef::Json)),
        })
    }

    /// Whether the schema becomes a named type of its own: a string enum,
    /// an object with properties, or a union of several schemas.
    fn needs_definition(&self, schema: &Schema) -> bool {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => !s.enumeration.is_empty(),
            SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
            SchemaKind::Any(any) => {
                !any.properties.is_empty() || (!any.enumeration.is_empty() && any.enumeration.iter().all(|v| v.is_string()))
            }
            SchemaKind::AllOf { all_of } => {
                self.single_member(all_of).is_none()
                    && (self.merged_object(schema, 0).is_some() || self.object_and_unions(all_of).is_some())
            }
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
                members.len() > 1 && self.string_union(members).is_none()
            }
            SchemaKind::Not { .. } => false,
            SchemaKind::Type(_) => false,
        }
    }

    /// Members that are all strings, at most one of them an enum: since
    /// generated enums keep unknown values, the union is that enum (the
    /// index of its member) or, without one, a plain string.
    fn string_union(&self, members: &[ReferenceOr<Schema>]) -> Option<Option<usize>> {
        let mut enum_member = None;
        for (index, member) in members.iter().enumerate() {
            let schema = match member {
                ReferenceOr::Reference { reference } => self.component(reference)?,
                ReferenceOr::Item(schema) => schema,
            };
            let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else { return None };
            if !string.enumeration.is_empty() {
                if enum_member.is_some() {
                    return None;
                }
                enum_member = Some(index);
            }
        }
        Some(enum_member)
    }

    /// The one member of an allOf that carries a type, when the others only
    /// add documentation (`allOf: [{$ref: X}], description: …`).
    fn single_member<'s>(&self, members: &'s [ReferenceOr<Schema>]) -> Option<(usize, &'s ReferenceOr<Schema>)> {
        let typed: Vec<(usize, &ReferenceOr<Schema>)> = members
            .iter()
            .enumerate()
            .filter(|(_, m)| match m {
                ReferenceOr::Reference { .. } => true,
                ReferenceOr::Item(s) => !matches!(&s.schema_kind, SchemaKind::Any(a) if a.properties.is_empty() && a.items.is_none() && a.typ.is_none() && a.enumeration.is_empty()),
            })
            .collect();
        match typed.as_slice() {
            [only] => Some(*only),
            _ => None,
        }
    }

    /// `ty`, the type of the item of a list or the value of a map, as
    /// `Option` when its schema (or the component it refers to) is
    /// `nullable`: a field can be left out for `null`, an item cannot. Any
    /// JSON value holds `null` already.
    fn nullable(&self, schema: Node<'_>, ty: TypeRef) -> TypeRef {
        let data = match schema {
            Node::Schema(schema) => Some(&schema.schema_data),
            Node::Ref(reference) => self.component(reference).map(|s| &s.schema_data),
        };
        match ty {
            TypeRef::Json | TypeRef::Nullable(_) => ty,
            ty if data.is_some_and(|d| d.nullable) => TypeRef::Nullable(Box::new(ty)),
            ty => ty,
        }
    }

    /// A component schema by reference, if the reference is local.
    fn component(&self, reference: &str) -> Option<&'a Schema> {
        crate::refs::schema(self.components, reference)
    }

    /// The object a schema describes, with allOf members merged: their
    /// properties and required lists added up (the first definition of a
    /// property wins). `None` when the schema is not an object.
    fn merged_object(&self, schema: &Schema, depth: usize) -> Option<ObjectType> {
        // allOf chains deeper than this are cycles or abuse.
        if depth > 32 {
            return None;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => Some(object.clone()),
            SchemaKind::Any(any) if !any.properties.is_empty() || any.additional_properties.is_some() => Some(ObjectType {
                properties: any.properties.clone(),
                required: any.required.clone(),
                additional_properties: any.additional_properties.clone(),
                min_properties: any.min_properties,
                max_properties: any.max_properties,
            }),
            SchemaKind::AllOf { all_of } => {
                let mut merged = ObjectType::default();
                let mut any_object = false;
                for member in all_of {
                    let member = match member {
                        ReferenceOr::Reference { reference } => self.component(reference)?,
                        ReferenceOr::Item(schema) => schema,
                    };
                    if adds_nothing(member) {
                        continue;
                    }
                    merge_into(&mut merged, self.merged_object(member, depth + 1)?);
                    any_object = true;
                }
                any_object.then_some(merged)
            }
            _ => None,
        }
    }

    fn map_type(
        &mut self,
        additional: Option<&AdditionalProperties>,
        context: &str,
        place: &Place<'_>,
    ) -> Result<TypeRef> {
        Ok(match additional {
            Some(AdditionalProperties::Schema(value)) => {
                let ty = self.type_ref(value, &format!("{context}Value"), &place.child("/additionalProperties"))?;
                TypeRef::Map(Box::new(self.nullable(node_unboxed(value), ty)))
            }
            Some(AdditionalProperties::Any(true)) => TypeRef::Map(Box::new(TypeRef::Json)),
            Some(AdditionalProperties::Any(false)) | None => TypeRef::Json,
        })
    }

    /// Defines the named type `name` for `schema`.
    fn define(&mut self, name: String, wire_name: &str, schema: &Schema, place: &Place<'_>) -> Result<TypeDef> {
        let data = &schema.schema_data;
        let mut def = named(name.clone(), wire_name, data.description.clone(), TypeKind::Alias { target: TypeRef::Json });
        def.deprecated = data.deprecated;
        def.example = data.example.as_ref().and_then(|e| serde_json::to_string_pretty(e).ok());
        def.kind = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
                let values: Vec<&str> = s.enumeration.iter().flatten().map(String::as_str).collect();
                enum_kind(&values)
            }
            SchemaKind::Any(any) if any.properties.is_empty() && !any.enumeration.is_empty() && any.enumeration.iter().all(|v| v.is_string()) => {
                let values: Vec<&str> = any.enumeration.iter().filter_map(|v| v.as_str()).collect();
                enum_kind(&values)
            }
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members }
                if members.len() > 1 && self.string_union(members).is_none() =>
            {
                let keyword = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
                self.union(&name, members, data.discriminator.as_ref(), keyword, place)?
            }
            _ => match self.merged_object(schema, 0) {
                Some(object) if !object.properties.is_empty() || object.additional_properties.is_some() => {
                    self.structure(&name, wire_name, &object, place)?
                }
                _ => match &schema.schema_kind {
                    SchemaKind::AllOf { all_of } if self.single_member(all_of).is_none() => {
                        match self.object_and_unions(all_of) {
                            Some((object, unions)) => self.object_with_unions(&name, wire_name, object, &unions, place)?,
                            None => TypeKind::Alias { target: self.inline_plain(schema, &name, place)? },
                        }
                    }
                    _ => TypeKind::Alias { target: self.inline_plain(schema, &name, place)? },
                },
            },
        };
        Ok(def)
    }

    /// The type of a schema that is not defined as its own type.
    fn inline_plain(&mut self, schema: &Schema, name: &str, place: &Place<'_>) -> Result<TypeRef> {
        if self.needs_definition(schema) {
            // A component that is an object with no properties but allOf
            // members we cannot merge, say.
            return Ok(self.unsupported(place, "this schema cannot be generated as a type"));
        }
        self.inline(schema, &format!("{name}Value"), place)
    }

    fn structure(&mut self, name: &str, wire_name: &str, object: &ObjectType, place: &Place<'_>) -> Result<TypeKind> {
        let fields = self.fields(name, wire_name, object, place)?;
        let additional = match &object.additional_properties {
            Some(AdditionalProperties::Schema(value)) if !fields.is_empty() => {
                let ty = self.type_ref(value, &format!("{name}Value"), &place.child("/additionalProperties"))?;
                Some(self.nullable(node_unboxed(value), ty))
            }
            Some(AdditionalProperties::Any(true)) if !fields.is_empty() => Some(TypeRef::Json),
            _ => None,
        }
        .map(|ty| Additional { name: additional_field_name(&fields), ty });
        if fields.is_empty() {
            return Ok(TypeKind::Alias { target: self.map_type(object.additional_properties.as_ref(), name, place)? });
        }
        Ok(TypeKind::Struct { fields, additional, flattened: Vec::new() })
    }

    /// The fields of an object's declared properties.
    fn fields(&mut self, name: &str, wire_name: &str, object: &ObjectType, place: &Place<'_>) -> Result<Vec<Field>> {
        let mut fields = Vec::new();
        let mut taken = naming::reserved_field_names();
        for (wire, property) in &object.properties {
            let field_place = place.child(&format!("/properties/{}", crate::locate::escape_pointer_token(wire)));
            let context = format!("{name}{}", naming::type_name(wire));
            let ty = self.node_type(node(property), &context, &field_place)?;
            let ty = self.field_type_override(wire_name, wire, ty, &field_place)?;
            let data = match property {
                ReferenceOr::Item(p) => Some(&p.schema_data),
                ReferenceOr::Reference { reference } => self.component(reference).map(|s| &s.schema_data),
            };
            let inline = matches!(property, ReferenceOr::Item(_));
            let description = data.filter(|_| inline).and_then(|d| d.description.clone());
            let example = data.filter(|_| inline).and_then(|d| d.example.as_ref()).and_then(|e| serde_json::to_string(e).ok());
            let default = data.and_then(|d| d.default.as_ref()).and_then(|e| serde_json::to_string(e).ok());
            let nullable = data.is_some_and(|d| d.nullable);
            // A field the server writes (readOnly) is absent from requests, one
            // only clients send (writeOnly) absent from responses: optional.
            let one_way = data.is_some_and(|d| d.read_only || d.write_only);
            fields.push(Field {
                name: naming::unique(naming::field_name(wire), &mut taken),
                wire_name: wire.clone(),
                ty,
                required: object.required.iter().any(|r| r == wire) && !one_way,
                nullable,
                boxed: false,
                description,
                example,
                default,
                deprecated: data.is_some_and(|d| d.deprecated && inline),
                // Settled once the type's use is known (`lower::settle_fields`).
                shape: crate::model::FieldShape::Optional,
                setter: None,
            });
        }
        Ok(fields)
    }

    /// The members of a union schema (oneOf / anyOf of several schemas that
    /// are not all strings), with the keyword that lists them.
    fn union_members<'s>(&self, schema: &'s Schema) -> Option<(&'static str, &'s [ReferenceOr<Schema>])> {
        let (keyword, members) = match &schema.schema_kind {
            SchemaKind::OneOf { one_of } => ("oneOf", one_of),
            SchemaKind::AnyOf { any_of } => ("anyOf", any_of),
            _ => return None,
        };
        (members.len() > 1 && self.string_union(members).is_none()).then_some((keyword, members.as_slice()))
    }

    /// oneOf / anyOf: an enum with a variant per member, named after the
    /// member's type; with a discriminator, the variant is chosen by the
    /// discriminator property's value.
    fn union(
        &mut self,
        name: &str,
        members: &[ReferenceOr<Schema>],
        discriminator: Option<&openapiv3::Discriminator>,
        keyword: &str,
        place: &Place<'_>,
    ) -> Result<TypeKind> {
        let mut variants = Vec::new();
        let mut taken = BTreeSet::new();
        let fixed: Vec<BTreeMap<String, String>> = members.iter().map(|member| self.fixed_values(member)).collect();
        let property = discriminator.map(|d| d.property_name.clone()).or_else(|| implied_discriminator(&fixed));
        for (index, member) in members.iter().enumerate() {
            let member_place = place.child(&format!("/{keyword}/{index}"));
            let ty = self.type_ref(member, &format!("{name}Variant{}", index + 1), &member_place)?;
            // The mapping's values for the member; else the one value the
            // member fixes its property to; else, by the rule for a
            // discriminator without a mapping, the schema's name.
            let mapped = match (discriminator, member) {
                (Some(d), ReferenceOr::Reference { reference }) => mapped_values(d, reference),
                _ => Vec::new(),
            };
            let fixed = property.as_deref().and_then(|property| fixed.get(index)?.get(property).cloned());
            let tags = match (mapped.is_empty(), fixed, discriminator, member) {
                (false, _, _, _) => mapped,
                (true, Some(value), _, _) => vec![value],
                (true, None, Some(_), ReferenceOr::Reference { reference }) => vec![schema_name(reference)],
                _ => Vec::new(),
            };
            // Members that are copies of one schema (`lower::shapes`) are
            // one variant, selected by the values of each.
            if let Some(same) = variants.iter_mut().find(|v: &&mut UnionVariant| v.ty == ty) {
                for tag in tags {
                    if !same.tags.contains(&tag) {
                        same.tags.push(tag);
                    }
                }
                continue;
            }
            let base = variant_name(&ty);
            variants.push(UnionVariant { name: naming::unique(base, &mut taken), ty, boxed: false, tags });
        }
        // A tag that two members share cannot choose between them: such a
        // union is read by trying each member, as one without a tag.
        let mut tags = BTreeSet::new();
        let distinct = variants.iter().flat_map(|v| v.tags.iter()).all(|tag| tags.insert(tag));
        let property = property.filter(|_| distinct && variants.iter().all(|v| !v.tags.is_empty()));
        let fallback = property.is_some().then(|| naming::unique(naming::reserved::UNKNOWN_VARIANT.to_owned(), &mut taken));
        Ok(TypeKind::Union { variants, discriminator: property, fallback })
    }

    /// The values a union member fixes its properties to, by property:
    /// required properties whose schema is a string enum of one value
    /// (OpenAI's `type: {enum: [response.output_text.delta]}`).
    fn fixed_values(&self, member: &ReferenceOr<Schema>) -> BTreeMap<String, String> {
        let Some(object) = self.member_schema(member).and_then(|schema| self.merged_object(schema, 0)) else { return BTreeMap::new() };
        object
            .properties
            .iter()
            .filter(|(property, _)| object.required.contains(property))
            .filter_map(|(property, schema)| {
                let schema = match schema {
                    ReferenceOr::Reference { reference } => self.component(reference)?,
                    ReferenceOr::Item(schema) => schema.as_ref(),
                };
                match &schema.schema_kind {
                    SchemaKind::Type(Type::String(s)) => match s.enumeration.as_slice() {
                        [Some(value)] => Some((property.clone(), value.clone())),
                        _ => None,
                    },
                    _ => None,
                }
            })
            .collect()
    }

    fn member_schema<'s>(&self, member: &'s ReferenceOr<Schema>) -> Option<&'s Schema>
    where
        'a: 's,
    {
        match member {
            ReferenceOr::Reference { reference } => self.component(reference),
            ReferenceOr::Item(schema) => Some(schema),
        }
    }

    /// The type the manifest chose for the string field `schema.field`
    /// (`*.field` matches the field in every schema), or `ty` unchanged.
    fn field_type_override(&mut self, schema: &str, field: &str, ty: TypeRef, place: &Place<'_>) -> Result<TypeRef> {
        let exact = format!("{schema}.{field}");
        let wildcard = format!("*.{field}");
        let Some((key, chosen)) = [exact, wildcard].into_iter().find_map(|k| self.field_types.get(&k).map(|t| (k, *t))) else {
            return Ok(ty);
        };
        // A wildcard names a field across schemas: it applies where the
        // field is a string and leaves the others as the spec types them.
        if key.starts_with("*.") && ty != TypeRef::String {
            return Ok(ty);
        }
        self.used_field_types.insert(key.clone());
        if ty != TypeRef::String {
            return Err(Error::Invalid {
                location: self.location(place),
                message: format!("[fields] {key:?} makes this field a {chosen:?}, but the spec does not declare it a plain string"),
                help: "name the schema in the key (\"Schema.field\") so it matches only string fields, or remove the entry".to_owned(),
            });
        }
        Ok(match chosen {
            FieldType::Decimal => TypeRef::Decimal,
            FieldType::Date => TypeRef::Date,
            FieldType::DateTime => TypeRef::DateTime,
        })
    }

    /// A string enum type for a parameter the manifest gives values to,
    /// shared by every operation that has the parameter.
    pub fn parameter_enum(&mut self, wire: &str, values: &[String]) -> TypeRef {
        let base = naming::type_name(wire);
        let existing = self.types.get(&base).filter(|d| d.wire_name == wire);
        if existing.is_some() {
            return TypeRef::Named(base);
        }
        let name = naming::unique(base, &mut self.taken);
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        let def = named(name.clone(), wire, None, enum_kind(&values));
        self.types.insert(name.clone(), def);
        TypeRef::Named(name)
    }

    /// Boxes the fields through which a struct contains itself.
    pub fn box_recursive_fields(&mut self) {
        let direct: BTreeMap<String, Vec<String>> = self
            .types
            .iter()
            .map(|(name, def)| (name.clone(), direct_targets(&def.kind)))
            .collect();
        for def in self.types.values_mut() {
            let owner = def.name.clone();
            match &mut def.kind {
                TypeKind::Struct { fields, flattened, .. } => {
                    for field in fields {
                        if let TypeRef::Named(target) = &field.ty {
                            field.boxed = reaches(&direct, target, &owner);
                        }
                    }
                    for union in flattened {
                        if let TypeRef::Named(target) = &union.ty {
                            union.boxed = reaches(&direct, target, &owner);
                        }
                    }
                }
                TypeKind::Union { variants, .. } => {
                    for variant in variants {
                        if let TypeRef::Named(target) = &variant.ty {
                            variant.boxed = reaches(&direct, target, &owner);
                        }
                    }
                }
                TypeKind::Enum { .. } | TypeKind::Alias { .. } => {}
            }
        }
    }
}

/// A struct field or union member whose type is estimated to take more
/// bytes than this inline is boxed. Stripe's reader held its action, which
/// held five more objects, inline: 69,672 bytes, and a debug build needed a
/// 4 MiB stack to decode a 1.8 KB answer into it, more than a tokio worker
/// thread has (2 MiB). Boxed, a type takes at most about this much per
/// field, and decoding it a stack frame of that order per level.
pub const MAX_INLINE_BYTES: usize = 1024;

impl SchemaLowerer<'_> {
    /// Boxes the fields and union members whose type is larger than
    /// [`MAX_INLINE_BYTES`] by [`inline_sizes`]' estimate. Run after
    /// [`box_recursive_fields`](Self::box_recursive_fields).
    ///
    /// Union members first: a union whose large members are boxed is small
    /// itself, so a field holding it (Stripe's expandable `customer`, an id
    /// or the object) is not boxed a second time.
    pub fn box_large_values(&mut self) {
        let sizes = inline_sizes(&self.types);
        let large = |sizes: &BTreeMap<String, usize>, ty: &TypeRef| matches!(ty, TypeRef::Named(name) if sizes.get(name).is_some_and(|&size| size > MAX_INLINE_BYTES));
        for def in self.types.values_mut() {
            if let TypeKind::Union { variants, .. } = &mut def.kind {
                for variant in variants {
                    variant.boxed |= large(&sizes, &variant.ty);
                }
            }
        }
        let sizes = inline_sizes(&self.types);
        for def in self.types.values_mut() {
            if let TypeKind::Struct { fields, flattened, .. } = &mut def.kind {
                for field in fields {
                    field.boxed |= large(&sizes, &field.ty);
                }
                for union in flattened {
                    union.boxed |= large(&sizes, &union.ty);
                }
            }
        }
    }
}

/// Each named type's inline size in bytes, estimated from what it holds on
/// a 64-bit target (a `String` or `Vec` 24, an `Option` 8 more, a box 8, a
/// struct its fields, a union its largest member and a tag). Boxed fields
/// and members count as boxes, so a type that contains itself has a size.
/// A work list in dependency order: a type is sized once what it holds
/// inline is; none is left unsized, since a cycle runs through a box.
fn inline_sizes(types: &BTreeMap<String, TypeDef>) -> BTreeMap<String, usize> {
    let mut sizes: BTreeMap<String, usize> = BTreeMap::new();
    loop {
        let before = sizes.len();
        for (name, def) in types {
            if sizes.contains_key(name) {
                continue;
            }
            if let Some(size) = type_size(&def.kind, &sizes) {
                sizes.insert(name.clone(), size);
            }
        }
        if sizes.len() == before {
            // Whatever is left holds itself inline through no box: count it
            // as large, so that it is boxed.
            for name in types.keys() {
                sizes.entry(name.clone()).or_insert(usize::MAX / 4);
            }
            return sizes;
        }
    }
}

/// The inline size of a type of `kind`, once every named type it holds
/// inline has one in `sizes`.
fn type_size(kind: &TypeKind, sizes: &BTreeMap<String, usize>) -> Option<usize> {
    const OPTION: usize = 8;
    const BOX: usize = 8;
    match kind {
        TypeKind::Struct { fields, additional, flattened } => {
            let mut total: usize = if additional.is_some() { 48 } else { 0 };
            for field in fields {
                let inner = if field.boxed { BOX } else { ref_size(&field.ty, sizes)? };
                let optional = !field.required || field.nullable;
                total = total.saturating_add(inner).saturating_add(if optional { OPTION } else { 0 });
            }
            for union in flattened {
                total = total.saturating_add(if union.boxed { BOX } else { ref_size(&union.ty, sizes)? });
            }
            Some(total)
        }
        TypeKind::Union { variants, .. } => {
            let mut largest: usize = 24;
            for variant in variants {
                largest = largest.max(if variant.boxed { BOX } else { ref_size(&variant.ty, sizes)? });
            }
            Some(largest.saturating_add(8))
        }
        TypeKind::Enum { .. } => Some(24),
        TypeKind::Alias { target } => ref_size(target, sizes),
    }
}

fn ref_size(ty: &TypeRef, sizes: &BTreeMap<String, usize>) -> Option<usize> {
    Some(match ty {
        TypeRef::Named(name) => *sizes.get(name)?,
        TypeRef::String | TypeRef::Array(_) | TypeRef::Bytes => 24,
        TypeRef::Map(_) => 48,
        TypeRef::Json => 32,
        TypeRef::Nullable(inner) => ref_size(inner, sizes)?.saturating_add(8),
        TypeRef::Integer { .. } | TypeRef::Float { .. } => 8,
        TypeRef::Boolean => 1,
        TypeRef::Decimal | TypeRef::DateTime => 16,
        TypeRef::Date => 4,
    })
}

/// The name of the map holding an object's undeclared properties, clear of
/// its declared fields.
pub(crate) fn additional_field_name(fields: &[Field]) -> String {
    let mut taken: BTreeSet<String> = fields.iter().map(|f| f.name.clone()).collect();
    naming::unique(naming::reserved::ADDITIONAL_FIELD.to_owned(), &mut taken)
}

/// An allOf member without a constraint (`{}`, or documentation only): it
/// adds nothing to the object the allOf makes.
fn adds_nothing(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(a) if a.properties.is_empty() && a.typ.is_none() && a.items.is_none())
}

/// Adds one allOf member's object to `merged`: its properties (the first
/// member declaring a name wins), its required names, and its map when
/// `merged` has none yet.
fn merge_into(merged: &mut ObjectType, object: ObjectType) {
    for (name, property) in object.properties {
        merged.properties.entry(name).or_insert(property);
    }
    for name in object.required {
        if !merged.required.contains(&name) {
            merged.required.push(name);
        }
    }
    if merged.additional_properties.is_none() {
        merged.additional_properties = object.additional_properties;
    }
}

fn named(name: String, wire_name: &str, description: Option<String>, kind: TypeKind) -> TypeDef {
    TypeDef {
        name,
        wire_name: wire_name.to_owned(),
        description,
        example: None,
        deprecated: false,
        request: false,
        update: false,
        kind,
    }
}

/// A variant name from the type a union member has.
fn variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => name.clone(),
        TypeRef::String => "String".to_owned(),
        TypeRef::Integer { .. } => "Integer".to_owned(),
        TypeRef::Float { .. } => "Number".to_owned(),
        TypeRef::Boolean => "Boolean".to_owned(),
        TypeRef::Decimal => "Decimal".to_owned(),
        TypeRef::Date => "Date".to_owned(),
        TypeRef::DateTime => "DateTime".to_owned(),
        TypeRef::Array(item) => format!("{}List", variant_name(item)),
        TypeRef::Map(value) => format!("{}Map", variant_name(value)),
        TypeRef::Nullable(inner) => format!("Nullable{}", variant_name(inner)),
        TypeRef::Json => "Value".to_owned(),
        TypeRef::Bytes => "Bytes".to_owned(),
    }
}

/// The values of the discriminator's mapping that select the member
/// `reference`.
fn mapped_values(discriminator: &openapiv3::Discriminator, reference: &str) -> Vec<String> {
    let schema_name = reference.strip_prefix(SCHEMA_PREFIX).unwrap_or(reference);
    discriminator
        .mapping
        .iter()
        .filter(|(_, target)| *target == reference || target.as_str() == schema_name)
        .map(|(value, _)| value.clone())
        .collect()
}

/// The discriminator a union without one has all the same: a property
/// that every member fixes to a value of its own (`fixed`, by member).
/// Without it the members would be tried in turn, and the first whose other
/// fields fit would take the value, its open enum keeping the foreign tag
/// as unknown. `type` is preferred, then the first name.
fn implied_discriminator(fixed: &[BTreeMap<String, String>]) -> Option<String> {
    let mut candidates: Vec<&String> = fixed.first()?.keys().collect();
    candidates.sort_by_key(|property| (property.as_str() != "type", property.as_str()));
    candidates.into_iter().find_map(|property| {
        let mut values = BTreeSet::new();
        fixed.iter().all(|member| member.get(property).is_some_and(|value| values.insert(value))).then(|| property.clone())
    })
}

/// The component name a reference names.
fn schema_name(reference: &str) -> String {
    crate::locate::unescape_pointer_token(reference.strip_prefix(SCHEMA_PREFIX).unwrap_or(reference))
}

fn enum_kind(values: &[&str]) -> TypeKind {
    let mut taken = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let variants: Vec<Variant> = values
        .iter()
        .filter(|v| seen.insert(**v))
        .map(|v| Variant { name: naming::unique(naming::type_name(v), &mut taken), wire_name: (*v).to_owned() })
        .collect();
    let fallback = naming::unique(naming::reserved::UNKNOWN_VARIANT.to_owned(), &mut taken);
    TypeKind::Enum { variants, fallback }
}

/// Named types a type holds by value (not behind a `Vec` or map).
fn direct_targets(kind: &TypeKind) -> Vec<String> {
    match kind {
        TypeKind::Struct { fields, flattened, .. } => fields
            .iter()
            .map(|f| &f.ty)
            .chain(flattened.iter().map(|f| &f.ty))
            .filter_map(|ty| match ty {
                TypeRef::Named(n) => Some(n.clone()),
                _ => None,
            })
            .collect(),
        TypeKind::Union { variants, .. } => variants
            .iter()
            .filter_map(|v| match &v.ty {
                TypeRef::Named(n) => Some(n.clone()),
                _ => None,
            })
            .collect(),
        TypeKind::Alias { target: TypeRef::Named(n) } => vec![n.clone()],
        _ => Vec::new(),
    }
}

fn reaches(graph: &BTreeMap<String, Vec<String>>, from: &str, goal: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_owned()];
    while let Some(current) = stack.pop() {
        if current == goal {
            return true;
        }
        if seen.insert(current.clone())
            && let Some(next) = graph.get(&current)
        {
            stack.extend(next.iter().cloned());
        }
    }
    false
}
