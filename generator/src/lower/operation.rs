//! Operations → model operations: parameters (minus the ones the client
//! holds), path template, request body and responses.

use indexmap::IndexMap;
use openapiv3::{Components, MediaType, Parameter, ParameterSchemaOrContent, ReferenceOr, StatusCode};

use crate::error::{Error, Location, Result, Warning};
use crate::lower::binary::text_for_bytes;
use crate::lower::schema::{Place, SchemaLowerer};
use crate::merge::Origins;
use crate::model::{
    ConstantQuery, Encoding, ErrorResponse, Method, Param, ParamLocation, ParamStyle, PartEncoding, PathSegment, RequestBody, SuccessResponse, TypeRef,
};
use crate::naming;
use crate::refs::Resolver;

/// An operation's parts as the spec gives them, before naming.
pub struct Lowered {
    pub params: Vec<Param>,
    pub path_segments: Vec<PathSegment>,
    pub body: Option<RequestBody>,
    pub success: Vec<SuccessResponse>,
    pub errors: Vec<ErrorResponse>,
    /// What the path key's query string fixes ([`super::query_string`]).
    pub constant_query: Vec<ConstantQuery>,
    /// The `Accept` header, when not the client's `application/json`.
    pub accept: Option<String>,
    /// The server-sent events a success response can be, named later.
    pub events: Option<crate::model::EventStream>,
    /// How a defect of the spec was read: a query string in the path key,
    /// path variables and path parameters that do not meet.
    pub warnings: Vec<Warning>,
}

pub struct OperationInput<'o> {
    pub path: &'o str,
    pub method: Method,
    pub method_key: &'o str,
    pub builder: &'o str,
    pub operation: &'o openapiv3::Operation,
    /// Lower-cased names of header parameters the client holds.
    pub client_headers: &'o [String],
    pub parameters: &'o std::collections::BTreeMap<String, crate::config::ParameterOverride>,
    /// The `parameters` overrides that matched a parameter.
    pub used_parameters: &'o std::cell::RefCell<std::collections::BTreeSet<String>>,
}

pub fn lower_operation(
    input: &OperationInput<'_>,
    components: &Components,
    schemas: &mut SchemaLowerer<'_>,
    origins: &Origins<'_>,
) -> Result<Lowered> {
    let OperationInput { path, method_key, builder, operation, .. } = *input;
    let at = |rest: &str| origins.operation(path, method_key, rest);

    let mut params = Vec::new();
    let mut names = naming::reserved_parameter_names(operation.request_body.is_some());
    for (index, parameter) in operation.parameters.iter().enumerate() {
        let pointer = format!("/parameters/{index}");
        let parameter = Resolver::new(components).parameter(parameter, &|| at(&pointer))?;
        let data = parameter.parameter_data_ref();
        let (location, style) = match parameter {
            Parameter::Path { .. } => (ParamLocation::Path, ParamStyle::Simple),
            Parameter::Query { style, .. } => (
                ParamLocation::Query,
                match style {
                    openapiv3::QueryStyle::Form => ParamStyle::Form { explode: data.explode.unwrap_or(true) },
                    openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                    openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                    openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
                },
            ),
            Parameter::Header { .. } => (ParamLocation::Header, ParamStyle::Simple),
            Parameter::Cookie { .. } => (ParamLocation::Cookie, ParamStyle::Form { explode: true }),
        };
        if location == ParamLocation::Header && input.client_headers.contains(&data.name.to_ascii_lowercase()) {
            continue;
        }
        let context = format!("{builder}{}", naming::type_name(&data.name));
        let place = Place::Operation { path, method: method_key, pointer: format!("{pointer}/schema") };
        let (mut ty, mut minimum, mut maximum) = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let (minimum, maximum) = integer_range(schema);
                let mut ty = schemas.type_ref(schema, &context, &place)?;
                text_for_bytes(&mut ty);
                (ty, minimum, maximum)
            }
            ParameterSchemaOrContent::Content(_) => (TypeRef::Json, None, None),
        };
        if let Some(overridden) = input.parameters.get(&data.name) {
            input.used_parameters.borrow_mut().insert(data.name.clone());
            if !overridden.values.is_empty() {
                ty = schemas.parameter_enum(&data.name, &overridden.values);
            }
            if overridden.minimum.is_some() || overridden.maximum.is_some() {
                if !matches!(ty, TypeRef::Integer { .. }) {
                    return Err(Error::Invalid {
                        location: at(&pointer),
                        message: format!("[parameters.{}] gives a range, but the parameter is not an integer", data.name),
                        help: "remove minimum and maximum from the entry".to_owned(),
                    });
                }
                minimum = overridden.minimum.or(minimum);
                maximum = overridden.maximum.or(maximum);
            }
        }
        params.push(Param {
            wire_name: data.name.clone(),
            name: naming::unique(naming::field_name(&data.name), &mut names),
            location,
            required: data.required || location == ParamLocation::Path,
            ty,
            description: data.description.clone(),
            minimum,
            maximum,
            style,
        });
    }

    let template = crate::model::path_template(path);
    let mut warnings = Vec::new();
    reconcile_path_parameters(template, &mut params, &mut names, &mut warnings, &|| at(""));
    order_arguments(template, &mut params);
    let path_segments = path_segments(template, &params, &at)?;
    let declared: Vec<&str> = params.iter().filter(|p| p.location == ParamLocation::Query).map(|p| p.wire_name.as_str()).collect();
    let (constant_query, warning) = super::query_string::constant_query(path, &declared, &|| at(""))?;
    warnings.extend(warning);

    let body = match &operation.request_body {
        None => None,
        Some(body) => {
            let body = Resolver::new(components).request_body(body, &|| at("/requestBody"))?;
            match choose_media(&body.content) {
                Some((content_type, media, encoding)) => {
                    let pointer = format!("/requestBody/content/{}/schema", crate::locate::escape_pointer_token(content_type));
                    let place = Place::Operation { path, method: method_key, pointer };
                    let ty = match (encoding, &media.schema) {
                        (Encoding::Binary, _) => TypeRef::Bytes,
                        (Encoding::Text, _) => TypeRef::String,
                        (_, Some(schema)) => schema_type(schemas, schema, &format!("{builder}Body"), &place)?,
                        (_, None) => TypeRef::Json,
                    };
                    let part_encodings = match encoding {
                        Encoding::Multipart => part_encodings(media),
                        _ => std::collections::BTreeMap::new(),
                    };
                    Some(RequestBody {
                        content_type: content_type.to_owned(),
                        encoding,
                        ty,
                        required: body.required,
                        part_encodings,
                    })
                }
                None => None,
            }
        }
    };

    let mut success = Vec::new();
    let mut read_media: Vec<(u16, &str)> = Vec::new();
    let mut events = None;
    let mut errors = Vec::new();
    // Redirects are answers of a call that documents nothing else that
    // succeeds (an archive download answering `302` with a `Location`):
    // otherwise every call of it would fail.
    let redirects_answer = !operation.responses.responses.keys().any(|status| matches!(status, StatusCode::Code(200..=299)));
    for (status, response) in &operation.responses.responses {
        let status_text = status.to_string();
        let pointer = format!("/responses/{status_text}");
        let response = Resolver::new(components).response(response, &|| at(&pointer))?;
        let answer = match status {
            StatusCode::Code(code @ 200..=299) => Some(*code),
            StatusCode::Code(code @ 300..=399) if redirects_answer => Some(*code),
            _ => None,
        };
        match answer {
            Some(code) => {
                let place = |media_type: &str| {
                    let pointer = format!("{pointer}/content/{}/schema", crate::locate::escape_pointer_token(media_type));
                    Place::Operation { path, method: method_key, pointer }
                };
                let stream = response.content.iter().find(|(media_type, _)| essence(media_type) == "text/event-stream");
                if let (Some((media_type, media)), None) = (stream, &events) {
                    let ty = match &media.schema {
                        Some(schema) => schema_type(schemas, schema, &format!("{builder}Event"), &place(media_type))?,
                        None => TypeRef::Json,
                    };
                    events = Some(crate::model::EventStream { ty, method: String::new(), flag: None });
                }
                let (ty, encoding) = match choose_media(&response.content) {
                    Some((content_type, media, encoding)) => {
                        read_media.push((code, content_type));
                        let ty = match (encoding, &media.schema) {
                            (Encoding::Binary, _) => TypeRef::Bytes,
                            (Encoding::Text, _) => TypeRef::String,
                            (_, Some(schema)) => schema_type(schemas, schema, &format!("{builder}Response"), &place(content_type))?,
                            (_, None) => TypeRef::Json,
                        };
                        (Some(ty), encoding)
                    }
                    None => (None, Encoding::Json),
                };
                success.push(SuccessResponse {
                    status: code,
                    variant: naming::status_variant(code),
                    description: response.description.clone(),
                    ty,
                    encoding,
                    headers: {
                        let mut names: Vec<String> = response.headers.keys().map(|name| name.to_ascii_lowercase()).collect();
                        names.sort();
                        names.dedup();
                        names
                    },
                });
            }
            None => errors.push(ErrorResponse { status: status_text, description: response.description.clone() }),
        }
    }
    if let Some(default) = &operation.responses.default {
        let response = Resolver::new(components).response(default, &|| at("/responses/default"))?;
        // With no 2XX documented, `default` is also what a success looks
        // like: a server that negotiates serves its media types only.
        if success.is_empty() {
            read_media.extend(choose_media(&response.content).map(|(content_type, _, _)| (0, content_type)));
        }
        errors.push(ErrorResponse { status: "default".to_owned(), description: response.description.clone() });
    }
    success.sort_by_key(|s| s.status);
    errors.sort_by(|a, b| a.status.cmp(&b.status));

    let accept = accept(read_media);
    Ok(Lowered { params, path_segments, body, success, errors, constant_query, accept, events, warnings })
}

/// The type of a media type's schema, named from `context` where it is
/// defined in place; bytes are text outside a multipart body.
fn schema_type(schemas: &mut SchemaLowerer<'_>, schema: &ReferenceOr<openapiv3::Schema>, context: &str, place: &Place<'_>) -> Result<TypeRef> {
    let mut ty = schemas.type_ref(schema, context, place)?;
    text_for_bytes(&mut ty);
    Ok(ty)
}

/// A media type without its parameters, in lower case (`text/html`).
fn essence(media_type: &str) -> String {
    media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// The `Accept` header of an operation whose success bodies are read from
/// `media` (status, media type): those types in status order, each once,
/// unless they are all `application/json`, the client's default. A server
/// that negotiates (Prism does) answers `406 Not Acceptable` to a JSON
/// `Accept` on an operation that only answers HTML or a stream.
fn accept(mut media: Vec<(u16, &str)>) -> Option<String> {
    media.sort_by_key(|(status, _)| *status);
    let mut types: Vec<&str> = Vec::new();
    for (_, media_type) in media {
        if !types.iter().any(|t| t.eq_ignore_ascii_case(media_type)) {
            types.push(media_type);
        }
    }
    (!types.iter().all(|media_type| essence(media_type) == "application/json")).then(|| types.join(", "))
}

/// Path variables and declared path parameters that do not meet, read the
/// one way they can be: a parameter spelled like a variable but for case is
/// that variable's; a variable no parameter declares is a required string
/// parameter; a declared path parameter the path does not have is left out,
/// since it has nowhere to go. A variable declared twice is left for
/// [`path_segments`] to refuse.
fn reconcile_path_parameters(
    template: &str,
    params: &mut Vec<Param>,
    names: &mut std::collections::BTreeSet<String>,
    warnings: &mut Vec<Warning>,
    at: &dyn Fn() -> Location,
) {
    let mut variables: Vec<&str> = Vec::new();
    let mut rest = template;
    while let Some((_, after_open)) = rest.split_once('{') {
        let Some((name, after_close)) = after_open.split_once('}') else { return };
        if !variables.contains(&name) {
            variables.push(name);
        }
        rest = after_close;
    }
    let declared = |params: &[Param], name: &str| params.iter().any(|p| p.location == ParamLocation::Path && p.wire_name == name);
    let mut index = 0;
    while let Some(param) = params.get(index) {
        if param.location != ParamLocation::Path || variables.contains(&param.wire_name.as_str()) {
            index += 1;
            continue;
        }
        let wire_name = param.wire_name.clone();
        let undeclared: Vec<&str> =
            variables.iter().copied().filter(|v| v.eq_ignore_ascii_case(&wire_name) && !declared(params, v)).collect();
        match (undeclared.as_slice(), params.get_mut(index)) {
            ([variable], Some(param)) => {
                warnings.push(Warning::at(
                    at(),
                    format!("path parameter {wire_name:?} is written {{{variable}}} in the path {template:?}; it is read as that variable"),
                ));
                param.wire_name = (*variable).to_owned();
                index += 1;
            }
            _ => {
                warnings.push(Warning::at(
                    at(),
                    format!("path parameter {wire_name:?} does not appear in the path {template:?}; it is left out, since it has nowhere to go"),
                ));
                params.remove(index);
            }
        }
    }
    for variable in variables {
        if declared(params, variable) {
            continue;
        }
        warnings.push(Warning::at(
            at(),
            format!("the path {template:?} uses {{{variable}}}, but the operation declares no path parameter {variable:?}; it is read as a required string parameter"),
        ));
        params.push(Param {
            wire_name: variable.to_owned(),
            name: naming::unique(naming::field_name(variable), names),
            location: ParamLocation::Path,
            required: true,
            ty: TypeRef::String,
            description: None,
            minimum: None,
            maximum: None,
            style: ParamStyle::Simple,
        });
    }
}

/// Puts the parameters in the order the call takes them: path parameters
/// in the order of the path, then the other required ones by Rust name,
/// then the optional ones as the spec lists them. Never the spec's order of
/// required parameters: were it, a vendor swapping `periodStart` and
/// `periodEnd` in the list would swap two string arguments unnoticed.
fn order_arguments(path: &str, params: &mut [Param]) {
    let position = |name: &str| path.find(&format!("{{{name}}}")).unwrap_or(usize::MAX);
    params.sort_by_cached_key(|param| match (param.location, param.required) {
        (ParamLocation::Path, _) => (0, position(&param.wire_name), String::new()),
        (_, true) => (1, 0, param.name.trim_start_matches("r#").to_owned()),
        (_, false) => (2, 0, String::new()),
    });
}

/// The inclusive range of an integer schema, when it states one.
fn integer_range(schema: &ReferenceOr<openapiv3::Schema>) -> (Option<i64>, Option<i64>) {
    match schema {
        ReferenceOr::Item(openapiv3::Schema {
            schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::Integer(integer)),
            ..
        }) => (
            integer.minimum.map(|m| if integer.exclusive_minimum { m.saturating_add(1) } else { m }),
            integer.maximum.map(|m| if integer.exclusive_maximum { m.saturating_sub(1) } else { m }),
        ),
        _ => (None, None),
    }
}

/// The media type a client sends or reads, by preference: JSON, then form
/// and multipart bodies, then text, then anything else as bytes.
fn choose_media(content: &IndexMap<String, MediaType>) -> Option<(&str, &MediaType, Encoding)> {
    let classify = |content_type: &str| {
        let essence = essence(content_type);
        if essence == "application/json" || essence.ends_with("+json") || essence == "*/*" {
            (0, Encoding::Json)
        } else if essence == "application/x-www-form-urlencoded" {
            (1, Encoding::Form)
        } else if essence == "multipart/form-data" {
            (2, Encoding::Multipart)
        } else if essence == "text/event-stream" {
            // Read as a stream by the streaming call; the plain call reads
            // any other media type first, and this one whole as text.
            (5, Encoding::Text)
        } else if essence.starts_with("text/") {
            (3, Encoding::Text)
        } else {
            (4, Encoding::Binary)
        }
    };
    content
        .iter()
        .map(|(content_type, media)| (classify(content_type), content_type.as_str(), media))
        .min_by_key(|((rank, _), content_type, _)| (*rank, *content_type))
        .map(|((_, encoding), content_type, media)| (content_type, media, encoding))
}

/// How the spec's `encoding` writes the parts of a multipart body. Of a
/// list of content types (`image/png, image/jpeg`) the first concrete one
/// is sent; wildcards (`image/*`) and anything that is not a plain media
/// type are left out, and the part gets the default. A `style` writes an
/// object or array value as parts of their own, the way OpenAPI 3.1
/// describes (and Stripe's 3.0 spec uses).
fn part_encodings(media: &MediaType) -> std::collections::BTreeMap<String, PartEncoding> {
    let usable = |candidate: &str| {
        let essence = candidate.split(';').next().unwrap_or_default().trim();
        let token = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b));
        matches!(essence.split_once('/'), Some((kind, sub)) if token(kind) && token(sub))
            && candidate.bytes().all(|b| (b' '..=b'~').contains(&b))
    };
    media
        .encoding
        .iter()
        .filter_map(|(property, encoding)| {
            let content_type = encoding
                .content_type
                .as_deref()
                .and_then(|listed| listed.split(',').map(str::trim).find(|candidate| usable(candidate)))
                .map(str::to_owned);
            let style = encoding.style.as_ref().map(|style| match style {
                // openapiv3 reads a missing `explode` as false, so an
                // explicit `false` cannot be told from the default, which
                // for `form` is true; the default wins.
                openapiv3::QueryStyle::Form => ParamStyle::Form { explode: true },
                openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
            });
            (content_type.is_some() || style.is_some()).then(|| (property.clone(), PartEncoding { content_type, style }))
        })
        .collect()
}

/// Splits the path template into literal text and parameters, checking that
/// every `{name}` has a path parameter and every path parameter a `{name}`,
/// each of them once.
fn path_segments(path: &str, params: &[Param], at: &dyn Fn(&str) -> Location) -> Result<Vec<PathSegment>> {
    let mut segments = Vec::new();
    let mut rest = path;
    let mut used = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    while let Some((literal, after_open)) = rest.split_once('{') {
        let Some((name, after_close)) = after_open.split_once('}') else {
            return Err(Error::Invalid {
                location: at(""),
                message: format!("path {path:?} has a '{{' without a matching '}}'"),
                help: "close the path variable".to_owned(),
            });
        };
        if !seen.insert(name) {
            return Err(Error::Invalid {
                location: at(""),
                message: format!(
                    "path {path:?} uses the parameter {{{name}}} more than once, but a path template may name each parameter only once"
                ),
                help: format!("rename the second {{{name}}} (say {{{name}2}}) and add a parameter with that name and `in: path`"),
            });
        }
        if !literal.is_empty() {
            segments.push(PathSegment::Literal(literal.to_owned()));
        }
        let Some(index) = params.iter().position(|p| p.location == ParamLocation::Path && p.wire_name == name) else {
            return Err(Error::Invalid {
                location: at(""),
                message: format!("path {path:?} uses {{{name}}} but the operation has no path parameter {name:?}"),
                help: format!("add a parameter with `name: {name}` and `in: path`"),
            });
        };
        used.push(index);
        segments.push(PathSegment::Param(index));
        rest = after_close;
    }
    if !rest.is_empty() {
        segments.push(PathSegment::Literal(rest.to_owned()));
    }
    if let Some((_, unused)) = params.iter().enumerate().find(|(i, p)| p.location == ParamLocation::Path && !used.contains(i)) {
        let name = &unused.wire_name;
        if seen.contains(name.as_str()) {
            return Err(Error::Invalid {
                location: at(""),
                message: format!("the path parameter {name:?} of {path:?} is declared twice; an operation's parameters must differ in name or `in`"),
                help: format!("remove one of the two parameters with `name: {name}` and `in: path`"),
            });
        }
        return Err(Error::Invalid {
            location: at(""),
            message: format!("path parameter {name:?} does not appear in the path {path:?}"),
            help: format!("add {{{name}}} to the path, or remove the parameter"),
        });
    }
    Ok(segments)
}
