//! Operations that answer with server-sent events: the `Api` method of
//! each streaming call, and the body field that asks for the stream.

use std::collections::BTreeMap;

use crate::error::{Location, Warning};
use crate::model::{Encoding, Operation, StreamFlag, TypeDef, TypeKind, TypeRef};
use crate::naming::{Namespace, reserved};

/// The body property that asks an operation that also answers JSON for a
/// stream instead (OpenAI's `stream: true`).
const FLAG: &str = "stream";

/// Names each streaming call's `Api` method (`<operation>_stream`) beside
/// the operations' own names, and finds the flag of each: a boolean `stream`
/// property of a required JSON body, when the operation's plain call
/// answers something else than the stream.
pub fn settle(operations: &mut [Operation], types: &BTreeMap<String, TypeDef>, warnings: &mut Vec<Warning>, at: &dyn Fn(&Operation) -> Location) {
    let mut methods = Namespace::with_reserved(reserved::CLIENT_METHODS);
    for op in operations.iter() {
        methods.claim(&op.name);
    }
    for op in operations.iter_mut() {
        if op.events.is_none() {
            continue;
        }
        let flag = flag(op, types);
        let desired = format!("{}_stream", op.name.trim_start_matches("r#"));
        let (method, renamed) = methods.claim(&desired);
        if renamed {
            warnings.push(Warning::at(at(op), format!("the streaming call of `{}` is `Api::{method}`: `{desired}` is taken", op.name)));
        }
        if let Some(events) = &mut op.events {
            events.method = method;
            events.flag = flag;
        }
    }
}

fn flag(op: &Operation, types: &BTreeMap<String, TypeDef>) -> Option<StreamFlag> {
    let body = op.body.as_ref().filter(|b| b.required && b.encoding == Encoding::Json)?;
    let TypeRef::Named(name) = &body.ty else { return None };
    let TypeKind::Struct { fields, .. } = &types.get(name)?.kind else { return None };
    let field = fields.iter().find(|f| f.wire_name == FLAG && f.ty == TypeRef::Boolean)?;
    Some(StreamFlag { field: field.name.clone(), shape: field.shape })
}
