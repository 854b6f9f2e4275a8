//! The format as a JSON Schema (draft-07), generated from the schema table so that editors with
//! only a YAML extension validate and complete model files the way threatls does.

use serde_json::{Map, Value, json};

use super::schema::{self, Field, Shape, Taxonomy, Ty};
use crate::catalog::Catalog;

const ID_PATTERN: &str = "^[A-Za-z0-9_-]+$";
const REF_PATTERN: &str = r"^(cwe:CWE-[0-9]+|capec:CAPEC-[0-9]+|owasp:A(0[1-9]|10):[0-9]{4}|asvs:V[0-9]+(\.[0-9]+){0,2}|attack:(TA[0-9]{4}|T[0-9]{4}(\.[0-9]{3})?)|https?://\S+)$";

pub fn json_schema() -> Value {
    let shapes = [
        &schema::REVIEW,
        &schema::CLASS,
        &schema::TEMPLATE,
        &schema::ASSET,
        &schema::BOUNDARY,
        &schema::DATA,
        &schema::FLOW,
        &schema::THREAT,
        &schema::ACCEPTANCE,
        &schema::MITIGATION,
    ];
    let mut definitions = Map::new();
    definitions.insert("id".into(), json!({ "type": ["string", "integer"], "pattern": ID_PATTERN }));
    for shape in shapes {
        definitions.insert(shape.name.into(), object(shape));
    }
    let mut root = object(&schema::MODEL);
    if let Value::Object(map) = &mut root {
        map.insert("$schema".into(), json!("http://json-schema.org/draft-07/schema#"));
        map.insert("title".into(), json!("threatls threat model, format version 1"));
        map.insert("definitions".into(), Value::Object(definitions));
    }
    root
}

fn object(shape: &Shape) -> Value {
    let properties: Map<String, Value> = shape.fields.iter().map(|f| (f.key.to_owned(), property(f))).collect();
    let required: Vec<&str> = shape.fields.iter().filter(|f| f.required).map(|f| f.key).collect();
    json!({
        "type": "object",
        "description": shape.doc,
        "additionalProperties": false,
        "required": required,
        "properties": properties,
    })
}

fn property(field: &Field) -> Value {
    let list = |items: Value| json!({ "type": ["array", "null"], "items": items });
    let mut value = match field.ty {
        Ty::Version => json!({ "const": 1 }),
        Ty::Text => json!({ "type": ["string", "number", "boolean"] }),
        Ty::Id | Ty::Ref(_) => json!({ "$ref": "#/definitions/id" }),
        Ty::Date => json!({ "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" }),
        Ty::Cadence => json!({ "anyOf": [{ "enum": schema::CADENCES }, { "type": "string", "pattern": "^[0-9]+d$" }] }),
        Ty::Enum(values) => json!({ "enum": values }),
        Ty::Class => class(),
        Ty::Classes => list(class()),
        Ty::Cited { taxonomy, list: many } => {
            let one = match taxonomy {
                Taxonomy::Cwe => json!({ "type": ["integer", "string"], "pattern": "^(CWE-)?[0-9]+$" }),
                Taxonomy::Capec => json!({ "type": ["integer", "string"], "pattern": "^(CAPEC-)?[0-9]+$" }),
                Taxonomy::Asvs => json!({ "type": "string", "pattern": r"^V[0-9]+(\.[0-9]+){0,2}$" }),
            };
            if many { list(one) } else { one }
        }
        Ty::Refs(_) => list(json!({ "$ref": "#/definitions/id" })),
        Ty::ExtRefs => list(json!({ "type": "string", "pattern": REF_PATTERN })),
        Ty::Paths => list(json!({ "type": "string" })),
        Ty::Object(shape) => json!({ "$ref": format!("#/definitions/{}", shape.name) }),
        Ty::List(shape) => list(json!({ "$ref": format!("#/definitions/{}", shape.name) })),
    };
    if let Value::Object(map) = &mut value {
        map.insert("description".into(), json!(field.doc));
    }
    value
}

fn class() -> Value {
    let builtin: Vec<&str> = Catalog::builtin().classes.iter().map(|c| c.id.as_str()).collect();
    json!({ "anyOf": [{ "enum": builtin }, { "$ref": "#/definitions/id" }] })
}
