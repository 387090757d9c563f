//! Field maps: which fields of a resource may appear in a predicate or a sort, their types,
//! and whether they live in an envelope column or in the JSON body.

/// Envelope columns that queries may use directly (and that are indexed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Id,
    Key,
    Version,
    CreatedAt,
    LastModifiedAt,
}

/// The type of a field as far as predicates care.
#[derive(Debug, Clone, Copy)]
pub enum FieldType {
    String,
    /// Date-times and dates: compared as ISO strings.
    DateTime,
    Number,
    Bool,
    /// A JSON object whose keys are locales and values strings.
    LocalizedString,
    /// A nested object with known fields.
    Object(Schema),
    /// An object whose fields are not known in advance (custom fields): any scalar.
    Dynamic,
    /// An array of scalars of the inner type.
    Array(&'static FieldType),
    /// An array of objects.
    ObjectArray(Schema),
}

/// One queryable field.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
    pub column: Option<Column>,
}

impl Field {
    /// A body field.
    pub const fn body(name: &'static str, ty: FieldType) -> Self {
        Field {
            name,
            ty,
            column: None,
        }
    }

    /// A field backed by an envelope column.
    pub const fn column(name: &'static str, ty: FieldType, column: Column) -> Self {
        Field {
            name,
            ty,
            column: Some(column),
        }
    }
}

/// The fields of a resource or of a nested object.
#[derive(Debug, Clone, Copy)]
pub struct Schema(pub &'static [Field]);

impl Schema {
    /// Look a field up by name.
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.0.iter().find(|f| f.name == name)
    }

    /// The names, for error messages.
    pub fn names(&self) -> Vec<&'static str> {
        self.0.iter().map(|f| f.name).collect()
    }
}

/// The envelope fields shared by every versioned resource.
pub const fn base_fields() -> [Field; 7] {
    [
        Field::column("id", FieldType::String, Column::Id),
        Field::column("key", FieldType::String, Column::Key),
        Field::column("version", FieldType::Number, Column::Version),
        Field::column("createdAt", FieldType::DateTime, Column::CreatedAt),
        Field::column(
            "lastModifiedAt",
            FieldType::DateTime,
            Column::LastModifiedAt,
        ),
        Field::body("createdBy", FieldType::Object(CLIENT_LOGGING)),
        Field::body("lastModifiedBy", FieldType::Object(CLIENT_LOGGING)),
    ]
}

/// Fields of a Reference (`{typeId, id}`).
pub const REFERENCE: Schema = Schema(&[
    Field::body("typeId", FieldType::String),
    Field::body("id", FieldType::String),
]);

/// Fields of a KeyReference (`{typeId, key}`).
pub const KEY_REFERENCE: Schema = Schema(&[
    Field::body("typeId", FieldType::String),
    Field::body("key", FieldType::String),
]);

/// Fields of CustomFields (`{type, fields}`).
pub const CUSTOM_FIELDS: Schema = Schema(&[
    Field::body("type", FieldType::Object(REFERENCE)),
    Field::body("fields", FieldType::Dynamic),
]);

/// Fields of CreatedBy / LastModifiedBy.
pub const CLIENT_LOGGING: Schema = Schema(&[
    Field::body("clientId", FieldType::String),
    Field::body("externalUserId", FieldType::String),
    Field::body("anonymousId", FieldType::String),
    Field::body("customer", FieldType::Object(REFERENCE)),
]);
