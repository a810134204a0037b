//! Schemas → model types: component schemas become named types, inline
//! objects and enums are named after the place they stand, and uses of a
//! schema become `TypeRef`s.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use crate::config::FieldType;
use crate::error::{Error, Result};
use crate::merge::Origins;
use crate::model::{Field, TypeDef, TypeKind, TypeRef, Variant};
use crate::naming;

const SCHEMA_PREFIX: &str = "#/components/schemas/";

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
    pub warnings: Vec<String>,
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
        }
    }

    fn location(&self, place: &Place<'_>) -> crate::error::Location {
        match place {
            Place::Component { name, pointer } => self.origins.component("schemas", name, pointer),
            Place::Operation { path, method, pointer } => self.origins.operation(path, method, pointer),
        }
    }

    /// Lowers every component schema into a named type.
    pub fn lower_components(&mut self) -> Result<()> {
        for (wire_name, schema) in self.components {
            let Some(name) = self.names.get(wire_name).cloned() else { continue };
            let place = Place::Component { name: wire_name, pointer: String::new() };
            let def = match schema {
                ReferenceOr::Reference { reference } => {
                    let target = self.reference(reference, &place)?;
                    named(name, wire_name, None, TypeKind::Alias { target })
                }
                ReferenceOr::Item(schema) => self.define(name, wire_name, schema, &place)?,
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
        Ok(match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
                let name = naming::unique(naming::type_name(context), &mut self.taken);
                let def = self.define(name.clone(), context, schema, place)?;
                self.types.insert(name.clone(), def);
                TypeRef::Named(name)
            }
            SchemaKind::Type(Type::String(s)) => match &s.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => TypeRef::Date,
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => TypeRef::DateTime,
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
            SchemaKind::Type(Type::Array(array)) => match &array.items {
                Some(items) => {
                    let item = self.node_type(node(items), &format!("{context}Item"), &place.child("/items"))?;
                    TypeRef::Array(Box::new(item))
                }
                None => TypeRef::Array(Box::new(TypeRef::Json)),
            },
            SchemaKind::Type(Type::Object(object)) if object.properties.is_empty() => {
                self.map_type(object.additional_properties.as_ref(), context, place)?
            }
            SchemaKind::Type(Type::Object(_)) => {
                let name = naming::unique(naming::type_name(context), &mut self.taken);
                let def = self.define(name.clone(), context, schema, place)?;
                self.types.insert(name.clone(), def);
                TypeRef::Named(name)
            }
            SchemaKind::AllOf { all_of } if all_of.len() == 1 => match all_of.first() {
                Some(inner) => self.type_ref(inner, context, &place.child("/allOf/0"))?,
                None => TypeRef::Json,
            },
            SchemaKind::Any(any) if any.properties.is_empty() && any.items.is_none() => TypeRef::Json,
            _ => {
                self.warnings.push(format!(
                    "{}: this schema's composition is not generated yet; it is read as any JSON value",
                    self.location(place)
                ));
                TypeRef::Json
            }
        })
    }

    fn map_type(
        &mut self,
        additional: Option<&AdditionalProperties>,
        context: &str,
        place: &Place<'_>,
    ) -> Result<TypeRef> {
        Ok(match additional {
            Some(AdditionalProperties::Schema(value)) => {
                let value = self.type_ref(value, &format!("{context}Value"), &place.child("/additionalProperties"))?;
                TypeRef::Map(Box::new(value))
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
            SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() => {
                let mut fields = Vec::new();
                let mut taken = BTreeSet::new();
                for (wire, property) in &object.properties {
                    let field_place = place.child(&format!("/properties/{}", crate::locate::escape_pointer_token(wire)));
                    let context = format!("{name}{}", naming::type_name(wire));
                    let ty = self.node_type(node(property), &context, &field_place)?;
                    let ty = self.field_type_override(wire_name, wire, ty, &field_place)?;
                    let (description, example, nullable, deprecated) = match property {
                        ReferenceOr::Item(p) => (
                            p.schema_data.description.clone(),
                            p.schema_data.example.as_ref().and_then(|e| serde_json::to_string(e).ok()),
                            p.schema_data.nullable,
                            p.schema_data.deprecated,
                        ),
                        ReferenceOr::Reference { .. } => (None, None, false, false),
                    };
                    fields.push(Field {
                        name: naming::unique(naming::field_name(wire), &mut taken),
                        wire_name: wire.clone(),
                        ty,
                        required: object.required.iter().any(|r| r == wire),
                        nullable,
                        boxed: false,
                        description,
                        example,
                        deprecated,
                    });
                }
                TypeKind::Struct { fields }
            }
            _ => {
                let target = self.inline(schema, &format!("{name}Value"), place)?;
                TypeKind::Alias { target }
            }
        };
        Ok(def)
    }

    /// The type the manifest chose for the string field `schema.field`
    /// (`*.field` matches the field in every schema), or `ty` unchanged.
    fn field_type_override(&mut self, schema: &str, field: &str, ty: TypeRef, place: &Place<'_>) -> Result<TypeRef> {
        let exact = format!("{schema}.{field}");
        let wildcard = format!("*.{field}");
        let Some((key, chosen)) = [exact, wildcard].into_iter().find_map(|k| self.field_types.get(&k).map(|t| (k, *t))) else {
            return Ok(ty);
        };
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
            if let TypeKind::Struct { fields } = &mut def.kind {
                for field in fields {
                    if let TypeRef::Named(target) = &field.ty {
                        field.boxed = reaches(&direct, target, &owner);
                    }
                }
            }
        }
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

fn enum_kind(values: &[&str]) -> TypeKind {
    let mut taken = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let variants: Vec<Variant> = values
        .iter()
        .filter(|v| seen.insert(**v))
        .map(|v| Variant { name: naming::unique(naming::type_name(v), &mut taken), wire_name: (*v).to_owned() })
        .collect();
    let fallback = naming::unique("Unknown".to_owned(), &mut taken);
    TypeKind::Enum { variants, fallback }
}

/// Named types a type holds by value (not behind a `Vec` or map).
fn direct_targets(kind: &TypeKind) -> Vec<String> {
    match kind {
        TypeKind::Struct { fields } => fields
            .iter()
            .filter_map(|f| match &f.ty {
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
