//! Type identity by shape: which component schemas are one Rust type.
//!
//! Vendors number copies of one schema (`CountryCode`, `CountryCode1`,
//! `CountryCode3`) and renumber them from release to release. Schemas whose
//! names differ only by a numeric suffix (a *family*, named by its stem:
//! `CountryCode`) and whose shapes are the same once every reference is
//! resolved become one type named by the stem. A shape is the schema
//! without its documentation (descriptions, titles, examples), with each
//! reference replaced by the class of schemas it points to, so that two
//! copies pointing to two copies of a third schema are copies too. The
//! classes are found by partition refinement: start with one class per
//! family, split classes whose members differ in shape, until nothing
//! splits.
//!
//! Nothing here depends on the vendor's numbers: a family with several
//! shapes names them in the order of the shapes themselves (the stem, then
//! `…2`, `…3`), and the copy whose documentation the type takes is the first
//! in the order of its text. Names that differ otherwise (`CustomerId` and
//! `ProductId`) are different families and never meet, whatever their shapes.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

use crate::naming;
use crate::refs::SCHEMA_PREFIX;

/// Component schemas that become one Rust type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The spec name the Rust name is made from: the family's stem, a
    /// numbered form of it when the family holds several shapes, or the
    /// schema's own name when the manifest renames it.
    pub spelled: String,
    /// The schemas of the group, sorted.
    pub members: Vec<String>,
    /// The member that is lowered; its documentation is the type's.
    pub representative: String,
}

/// Every component schema in exactly one group, and a note for each group
/// of several schemas.
#[derive(Debug, Default)]
pub struct Identity {
    /// The groups, each named by its spelled name.
    pub groups: Vec<Group>,
    /// What was made one type, for the run's info notes.
    pub notes: Vec<String>,
}

/// Groups the component schemas by family and shape. Schemas the manifest
/// renames stay on their own: a rename is a person's choice.
pub fn identify(schemas: &IndexMap<String, ReferenceOr<Schema>>, renames: &BTreeMap<String, String>) -> Identity {
    let names: BTreeSet<&str> = schemas.keys().map(String::as_str).collect();
    let stem = |name: &str| -> String {
        if renames.contains_key(name) { name.to_owned() } else { naming::numeric_stem(name).to_owned() }
    };
    let values: BTreeMap<&str, Value> = schemas
        .iter()
        .map(|(name, schema)| (name.as_str(), serde_json::to_value(schema).unwrap_or(Value::Null)))
        .collect();

    // One class per family to start with; refined until stable.
    let stems: BTreeSet<String> = names.iter().map(|n| stem(n)).collect();
    let mut classes: BTreeMap<&str, usize> =
        names.iter().map(|n| (*n, stems.iter().position(|s| *s == stem(n)).unwrap_or(0))).collect();
    let mut count = stems.len();
    for _ in 0..=names.len() {
        let signatures: BTreeMap<&str, String> = values
            .iter()
            .map(|(name, value)| {
                let old = classes.get(name).copied().unwrap_or(0);
                let shape = rewrite(value, &classes, true);
                (*name, format!("{}\u{0}{old}\u{0}{shape}", stem(name)))
            })
            .collect();
        let distinct: BTreeSet<&String> = signatures.values().collect();
        let distinct: Vec<&String> = distinct.into_iter().collect();
        classes = signatures.iter().map(|(name, sig)| (*name, distinct.binary_search(&sig).unwrap_or(0))).collect();
        if distinct.len() == count {
            break;
        }
        count = distinct.len();
    }

    // The groups of each family, in the order of their shapes.
    let mut families: BTreeMap<String, BTreeMap<usize, Vec<&str>>> = BTreeMap::new();
    for (name, class) in &classes {
        families.entry(stem(name)).or_default().entry(*class).or_default().push(name);
    }
    let renamed: BTreeSet<&str> = renames.keys().map(String::as_str).collect();
    let mut identity = Identity::default();
    for (family, shapes) in families {
        let shape_count = shapes.len();
        let mut number = 1;
        for (index, members) in shapes.into_values().enumerate() {
            let spelled = if index == 0 {
                family.clone()
            } else {
                loop {
                    number += 1;
                    let candidate = format!("{family}{number}");
                    // A renamed schema keeps its own name as its spelling.
                    if !renamed.contains(candidate.as_str()) {
                        break candidate;
                    }
                }
            };
            // The copy whose text (documentation included, references as
            // classes) sorts first: the same whatever the copies are called.
            let representative = members
                .iter()
                .map(|m| (values.get(m).map(|v| rewrite(v, &classes, false).to_string()).unwrap_or_default(), *m))
                .min()
                .map_or_else(String::new, |(_, m)| m.to_owned());
            let listed = members.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ");
            let several = if shape_count > 1 {
                format!(" (the family `{family}` holds {shape_count} shapes, numbered in the order of the shapes)")
            } else {
                String::new()
            };
            if members.len() > 1 {
                identity.notes.push(format!("schemas {listed} have one shape: they are one type, named from `{spelled}`{several}"));
            } else if shape_count > 1 {
                identity.notes.push(format!("schema {listed} is named from `{spelled}`{several}"));
            }
            identity.groups.push(Group { spelled, members: members.iter().map(|m| (*m).to_owned()).collect(), representative });
        }
    }
    identity
}

/// The schema with each local reference replaced by its target's class;
/// with `shape_only`, without documentation too.
fn rewrite(schema: &Value, classes: &BTreeMap<&str, usize>, shape_only: bool) -> Value {
    let class_of = |target: &str| classes.get(target).map(|class| format!("class {class}"));
    rewrite_with(schema, &class_of, shape_only)
}

/// The shape of a schema, as text: without documentation, with each local
/// reference replaced by what `target` makes of the component's name.
pub fn shape_text(schema: &Value, target: &dyn Fn(&str) -> Option<String>) -> String {
    rewrite_with(schema, target, true).to_string()
}

fn rewrite_with(schema: &Value, target: &dyn Fn(&str) -> Option<String>, shape_only: bool) -> Value {
    let class_of = |reference: &str| -> Value {
        let name = reference.strip_prefix(SCHEMA_PREFIX).map(crate::locate::unescape_pointer_token);
        match name.as_deref().and_then(target) {
            Some(replaced) => Value::String(replaced),
            None => Value::String(reference.to_owned()),
        }
    };
    match schema {
        Value::Object(map) => {
            // Keys sorted: the order of `properties` or `required` is no
            // part of a shape.
            let mut out = BTreeMap::new();
            for (key, value) in map {
                let value = match key.as_str() {
                    "description" | "title" | "example" | "examples" | "externalDocs" if shape_only => continue,
                    "$ref" => value.as_str().map_or_else(|| value.clone(), class_of),
                    "required" if shape_only => match value {
                        Value::Array(names) => {
                            let mut names = names.clone();
                            names.sort_by_key(|n| n.to_string());
                            Value::Array(names)
                        }
                        other => other.clone(),
                    },
                    "properties" => match value {
                        Value::Object(properties) => {
                            let mut rewritten: Vec<(String, Value)> =
                                properties.iter().map(|(name, p)| (name.clone(), rewrite_with(p, target, shape_only))).collect();
                            if shape_only {
                                rewritten.sort_by(|a, b| a.0.cmp(&b.0));
                            }
                            Value::Object(rewritten.into_iter().collect())
                        }
                        other => other.clone(),
                    },
                    "items" | "additionalProperties" | "not" => rewrite_with(value, target, shape_only),
                    "allOf" | "oneOf" | "anyOf" => match value {
                        Value::Array(members) => Value::Array(members.iter().map(|m| rewrite_with(m, target, shape_only)).collect()),
                        other => other.clone(),
                    },
                    "discriminator" => match value {
                        Value::Object(discriminator) => Value::Object(
                            discriminator
                                .iter()
                                .map(|(k, v)| match (k.as_str(), v) {
                                    ("mapping", Value::Object(mapping)) => (
                                        k.clone(),
                                        Value::Object(
                                            mapping
                                                .iter()
                                                .map(|(tag, target)| {
                                                    (tag.clone(), target.as_str().map_or_else(|| target.clone(), class_of))
                                                })
                                                .collect(),
                                        ),
                                    ),
                                    _ => (k.clone(), v.clone()),
                                })
                                .collect(),
                        ),
                        other => other.clone(),
                    },
                    _ => value.clone(),
                };
                out.insert(key.clone(), value);
            }
            Value::Object(out.into_iter().collect())
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schemas(yaml: &str) -> IndexMap<String, ReferenceOr<Schema>> {
        serde_saphyr::from_str(yaml).map_err(|e| e.to_string()).unwrap_or_default()
    }

    fn groups(yaml: &str) -> Vec<(String, Vec<String>)> {
        identify(&schemas(yaml), &BTreeMap::new()).groups.into_iter().map(|g| (g.spelled, g.members)).collect()
    }

    fn group(spelled: &str, members: &[&str]) -> (String, Vec<String>) {
        (spelled.to_owned(), members.iter().map(|m| (*m).to_owned()).collect())
    }

    #[test]
    fn numbered_copies_of_one_shape_are_one_type() {
        let yaml = "
State: {type: string, enum: [A, B], description: one}
State1: {type: string, enum: [A, B], description: two}
State2: {type: string, enum: [A, B]}
Address: {type: object, properties: {state: {$ref: '#/components/schemas/State1'}}}
Address1: {type: object, properties: {state: {$ref: '#/components/schemas/State2'}}}
";
        assert_eq!(groups(yaml), [group("Address", &["Address", "Address1"]), group("State", &["State", "State1", "State2"])]);
    }

    #[test]
    fn same_shape_under_other_names_stays_apart() {
        let yaml = "
CustomerId: {type: object, properties: {id: {type: string}}}
ProductId: {type: object, properties: {id: {type: string}}}
";
        assert_eq!(groups(yaml), [group("CustomerId", &["CustomerId"]), group("ProductId", &["ProductId"])]);
    }

    #[test]
    fn a_family_of_several_shapes_is_named_by_the_shapes_not_the_numbers() {
        let with_line2 = "{type: object, properties: {line1: {type: string}, line2: {type: string}}}";
        let without = "{type: object, properties: {line1: {type: string}}}";
        let first = groups(&format!("Address: {with_line2}\nAddress1: {without}\n"));
        let swapped = groups(&format!("Address: {without}\nAddress1: {with_line2}\n"));
        let spelled = |gs: &[(String, Vec<String>)], member: &str| {
            gs.iter().find(|(_, m)| m.iter().any(|x| x == member)).map(|(s, _)| s.clone())
        };
        assert_eq!(spelled(&first, "Address"), spelled(&swapped, "Address1"));
        assert_eq!(spelled(&first, "Address1"), spelled(&swapped, "Address"));
        assert_ne!(spelled(&first, "Address"), spelled(&first, "Address1"));
    }

    #[test]
    fn the_documentation_comes_from_the_same_copy_whatever_the_numbers() {
        let a = "{type: string, enum: [X], description: alpha}";
        let b = "{type: string, enum: [X], description: beta}";
        let representative = |yaml: &str| {
            let schemas = schemas(yaml);
            let identity = identify(&schemas, &BTreeMap::new());
            identity.groups.first().map(|g| g.representative.clone())
        };
        assert_eq!(representative(&format!("Kind: {a}\nKind1: {b}\n")).as_deref(), Some("Kind"));
        assert_eq!(representative(&format!("Kind: {b}\nKind1: {a}\n")).as_deref(), Some("Kind1"));
    }

    #[test]
    fn the_order_of_properties_and_required_is_no_part_of_a_shape() {
        let yaml = "
Pair: {type: object, required: [a, b], properties: {a: {type: string}, b: {type: integer}}}
Pair1: {type: object, required: [b, a], properties: {b: {type: integer}, a: {type: string}}}
";
        assert_eq!(groups(yaml), [group("Pair", &["Pair", "Pair1"])]);
    }

    #[test]
    fn renamed_schemas_stay_on_their_own() {
        let yaml = "Thing: {type: string}\nThing1: {type: string}\n";
        let renames = BTreeMap::from([("Thing1".to_owned(), "Other".to_owned())]);
        let identity = identify(&schemas(yaml), &renames);
        let spelled: Vec<&str> = identity.groups.iter().map(|g| g.spelled.as_str()).collect();
        assert_eq!(spelled, ["Thing", "Thing1"]);
    }
}
