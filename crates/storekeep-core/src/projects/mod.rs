//! Projects: the settings resource at `/{projectKey}` (name, languages, currencies,
//! countries, messages) and its update actions. A project is created by the CLI or the
//! start-up bootstrap, never through the HTTP API.

use serde::{Deserialize, Serialize};

use crate::common::{check_key, now_timestamp, valid_country, valid_currency, valid_locale};
use crate::error::{ApiError, ApiResult};
use crate::resource::Repo;
use crate::resource::{check_action_count, storage_error};
use crate::storage::{Collection, Doc, Lookup, Uniqueness};

#[cfg(test)]
mod tests;

/// `messages` of a Project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagesConfiguration {
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_days_after_creation: Option<i64>,
}

/// `carts` of a Project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CartsConfiguration {
    pub country_tax_rate_fallback_enabled: bool,
    /// The days a cart lives unmodified unless its draft says otherwise; required on the
    /// wire (the OpenAPI document's `CartsConfiguration`), 90 by default as in the API
    /// (projects stored before it was kept read 90 too).
    #[serde(default = "default_cart_days")]
    pub delete_days_after_last_modification: i64,
}

/// The API's default lifetime of an unmodified cart (days).
pub const DEFAULT_CART_DAYS: i64 = 90;

fn default_cart_days() -> i64 {
    DEFAULT_CART_DAYS
}

/// `discounts` of a Project (storekeep has no discounts; the API's default mode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscountsConfiguration {
    pub discount_combination_mode: String,
}

impl Default for DiscountsConfiguration {
    fn default() -> Self {
        DiscountsConfiguration {
            discount_combination_mode: "BestDeal".into(),
        }
    }
}

/// `inventory` of a Project (storekeep keeps no inventory; reservations are not released).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InventoryConfiguration {
    pub release_expired_reservations: bool,
}

/// A Project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub key: String,
    pub name: String,
    pub countries: Vec<String>,
    pub currencies: Vec<String>,
    pub languages: Vec<String>,
    pub created_at: String,
    pub messages: MessagesConfiguration,
    pub carts: CartsConfiguration,
    #[serde(default)]
    pub discounts: DiscountsConfiguration,
    #[serde(default)]
    pub inventory: InventoryConfiguration,
    pub version: i64,
}

/// What the CLI and the bootstrap create a project from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProjectDraft {
    pub key: String,
    pub name: Option<String>,
    pub countries: Vec<String>,
    pub currencies: Vec<String>,
    pub languages: Vec<String>,
}

/// The body of a Project update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectUpdate {
    pub version: i64,
    pub actions: Vec<ProjectUpdateAction>,
}

/// The Project update actions for the settings storekeep keeps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    remote = "Self",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ProjectUpdateAction {
    ChangeName {
        name: String,
    },
    ChangeCountries {
        countries: Vec<String>,
    },
    ChangeCurrencies {
        currencies: Vec<String>,
    },
    ChangeLanguages {
        languages: Vec<String>,
    },
    ChangeMessagesConfiguration {
        messages_configuration: MessagesConfiguration,
    },
}
crate::tagged_enum!(ProjectUpdateAction, "action");

fn check_codes(field: &str, values: &[String], ok: fn(&str) -> bool) -> ApiResult<()> {
    match values.iter().find(|v| !ok(v)) {
        Some(bad) => Err(ApiError::invalid_field(
            field,
            serde_json::Value::String(bad.clone()),
            format!("'{bad}' is not a valid value for '{field}'."),
        )),
        None => Ok(()),
    }
}

fn dedup(v: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(v.len());
    for s in v {
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}

/// Apply one action (pure).
pub fn apply(p: &mut Project, a: &ProjectUpdateAction) -> ApiResult<()> {
    match a {
        ProjectUpdateAction::ChangeName { name } => p.name = name.clone(),
        ProjectUpdateAction::ChangeCountries { countries } => {
            check_codes("countries", countries, valid_country)?;
            p.countries = dedup(countries);
        }
        ProjectUpdateAction::ChangeCurrencies { currencies } => {
            check_codes("currencies", currencies, valid_currency)?;
            p.currencies = dedup(currencies);
        }
        ProjectUpdateAction::ChangeLanguages { languages } => {
            check_codes("languages", languages, valid_locale)?;
            p.languages = dedup(languages);
        }
        ProjectUpdateAction::ChangeMessagesConfiguration {
            messages_configuration,
        } => {
            if let Some(d) = messages_configuration.delete_days_after_creation {
                if !(1..=90).contains(&d) {
                    return Err(ApiError::invalid_field(
                        "deleteDaysAfterCreation",
                        serde_json::json!(d),
                        "deleteDaysAfterCreation must be between 1 and 90.",
                    ));
                }
            }
            p.messages = messages_configuration.clone();
        }
    }
    Ok(())
}

/// Operations on Projects.
#[derive(Clone)]
pub struct ProjectService {
    repo: Repo,
}

fn to_doc(p: &Project) -> ApiResult<Doc> {
    let body = serde_json::to_string(p).map_err(|_| ApiError::general())?;
    Ok(Doc {
        id: p.key.clone(),
        key: Some(p.key.clone()),
        version: p.version,
        created_at: p.created_at.clone(),
        last_modified_at: now_timestamp(),
        body,
        secret: None,
    })
}

impl ProjectService {
    /// A service over a repository.
    pub fn new(repo: Repo) -> Self {
        ProjectService { repo }
    }

    /// The project, if it exists.
    pub async fn find(&self, key: &str) -> ApiResult<Option<Project>> {
        match self
            .repo
            .get_doc(Collection::Projects, key, Lookup::Id(key))
            .await?
        {
            Some(doc) => serde_json::from_str(&doc.body).map(Some).map_err(|e| {
                tracing::error!(error = %e, "stored project does not decode");
                ApiError::general()
            }),
            None => Ok(None),
        }
    }

    /// `GET /{projectKey}`: the project or 404.
    pub async fn get(&self, key: &str) -> ApiResult<Project> {
        self.find(key).await?.ok_or_else(|| {
            ApiError::ResourceNotFound(format!("The project '{key}' does not exist."))
        })
    }

    /// Create a project (CLI, bootstrap). Returns `Ok(None)` if it already exists.
    pub async fn create(&self, d: ProjectDraft) -> ApiResult<Option<Project>> {
        check_key("project key", &d.key)?;
        check_codes("countries", &d.countries, valid_country)?;
        check_codes("currencies", &d.currencies, valid_currency)?;
        check_codes("languages", &d.languages, valid_locale)?;
        let p = Project {
            name: d.name.unwrap_or_else(|| d.key.clone()),
            key: d.key,
            countries: dedup(&d.countries),
            currencies: dedup(&d.currencies),
            languages: dedup(&d.languages),
            created_at: now_timestamp(),
            messages: MessagesConfiguration {
                enabled: false,
                delete_days_after_creation: None,
            },
            carts: CartsConfiguration {
                country_tax_rate_fallback_enabled: false,
                delete_days_after_last_modification: DEFAULT_CART_DAYS,
            },
            discounts: DiscountsConfiguration::default(),
            inventory: InventoryConfiguration::default(),
            version: 1,
        };
        let doc = to_doc(&p)?;
        match self
            .repo
            .storage()
            .insert(Collection::Projects, &p.key, &doc, &Uniqueness::default())
            .await
        {
            Ok(()) => Ok(Some(p)),
            Err(crate::storage::StorageError::DuplicateKey) => Ok(None),
            Err(e) => Err(storage_error(e, &p.key)),
        }
    }

    /// `POST /{projectKey}` with project update actions.
    pub async fn update(&self, key: &str, u: ProjectUpdate) -> ApiResult<Project> {
        check_action_count(u.actions.len())?;
        let current = self.get(key).await?;
        if current.version != u.version {
            return Err(ApiError::version_conflict(key, u.version, current.version));
        }
        let mut next = current.clone();
        for a in &u.actions {
            apply(&mut next, a)?;
        }
        if let Some(removed) = self.languages_in_use(&current, &next).await? {
            return Err(removed);
        }
        if next == current {
            return Ok(current);
        }
        next.version = current.version + 1;
        let doc = to_doc(&next)?;
        self.repo
            .storage()
            .update(Collection::Projects, key, current.version, &doc, None)
            .await
            .map_err(|e| match e {
                crate::storage::StorageError::VersionConflict { current_version } => {
                    ApiError::version_conflict(key, u.version, current_version)
                }
                other => storage_error(other, key),
            })?;
        Ok(next)
    }

    /// Removing a language that a store still uses is refused (`LanguageUsedInStores`).
    async fn languages_in_use(&self, old: &Project, new: &Project) -> ApiResult<Option<ApiError>> {
        let removed: Vec<&String> = old
            .languages
            .iter()
            .filter(|l| !new.languages.contains(l))
            .collect();
        if removed.is_empty() {
            return Ok(None);
        }
        let list = removed
            .iter()
            .map(|l| format!("\"{}\"", l.replace('"', "")))
            .collect::<Vec<_>>()
            .join(",");
        let params = crate::query::QueryParams::from_pairs([(
            "where",
            format!("languages contains any ({list})"),
        )]);
        let filter = params.filter(crate::stores::STORE_SCHEMA)?;
        let q = crate::query::Query {
            filter,
            ..crate::query::Query::all(1)
        };
        if self.repo.exists(Collection::Stores, &old.key, &q).await? {
            return Ok(Some(ApiError::LanguageUsedInStores(format!(
                "Languages {} are still used by stores.",
                removed
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))));
        }
        Ok(None)
    }
}
