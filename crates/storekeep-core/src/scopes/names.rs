//! The project scope names the API knows, and which of them have a store-scoped form
//! (`…:{projectKey}:{storeKey}`; auth.md §4: business units, cart discounts, customers,
//! my_profile, orders, my_orders, quote requests, quotes, shopping lists, my_shopping_lists,
//! staged quotes).

/// `(name, has a store-scoped form)`.
const NAMES: &[(&str, bool)] = &[
    ("manage_project", false),
    ("view_project", false),
    ("manage_project_settings", false),
    ("view_project_settings", false),
    ("manage_api_clients", false),
    ("view_api_clients", false),
    ("manage_stores", false),
    ("view_stores", false),
    ("manage_customers", true),
    ("view_customers", true),
    ("manage_customer_groups", false),
    ("view_customer_groups", false),
    ("manage_orders", true),
    ("view_orders", true),
    ("manage_order_edits", false),
    ("view_order_edits", false),
    ("manage_my_orders", true),
    ("manage_my_profile", true),
    ("manage_my_shopping_lists", true),
    ("manage_my_payments", false),
    ("manage_my_quote_requests", false),
    ("manage_my_quotes", false),
    ("manage_my_business_units", false),
    ("manage_shopping_lists", true),
    ("view_shopping_lists", true),
    ("manage_cart_discounts", true),
    ("view_cart_discounts", true),
    ("manage_business_units", true),
    ("view_business_units", true),
    ("manage_quote_requests", true),
    ("view_quote_requests", true),
    ("manage_quotes", true),
    ("view_quotes", true),
    ("manage_staged_quotes", true),
    ("view_staged_quotes", true),
    ("manage_products", false),
    ("view_products", false),
    ("view_published_products", false),
    ("manage_product_selections", false),
    ("view_product_selections", false),
    ("manage_categories", false),
    ("view_categories", false),
    ("manage_types", false),
    ("view_types", false),
    ("manage_payments", false),
    ("view_payments", false),
    ("manage_key_value_documents", false),
    ("view_key_value_documents", false),
    ("manage_channels", false),
    ("view_channels", false),
    ("manage_discount_codes", false),
    ("view_discount_codes", false),
    ("manage_tax_categories", false),
    ("view_tax_categories", false),
    ("manage_shipping_methods", false),
    ("view_shipping_methods", false),
    ("manage_states", false),
    ("view_states", false),
    ("manage_zones", false),
    ("view_zones", false),
    ("manage_extensions", false),
    ("view_extensions", false),
    ("manage_subscriptions", false),
    ("view_subscriptions", false),
    ("manage_attribute_groups", false),
    ("view_attribute_groups", false),
    ("manage_associate_roles", false),
    ("view_associate_roles", false),
    ("manage_approval_flows", false),
    ("view_approval_flows", false),
    ("manage_approval_rules", false),
    ("view_approval_rules", false),
    ("manage_import_containers", false),
    ("view_import_containers", false),
    ("manage_standalone_prices", false),
    ("view_standalone_prices", false),
    ("view_messages", false),
    ("view_audit_log", false),
    ("create_anonymous_token", false),
    ("introspect_oauth_tokens", false),
];

/// A project scope name known to the API (only [`ScopeName::parse`] and the constants make
/// one, so a `ScopeName` is always valid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScopeName(&'static str);

impl ScopeName {
    /// `manage_project`: everything in the project.
    pub const MANAGE_PROJECT: ScopeName = ScopeName("manage_project");
    /// `view_project`: every `view_*` of the project (D10).
    pub const VIEW_PROJECT: ScopeName = ScopeName("view_project");

    /// The known name equal to `s`.
    pub fn parse(s: &str) -> Option<ScopeName> {
        NAMES
            .iter()
            .find(|(n, _)| *n == s)
            .map(|(n, _)| ScopeName(n))
    }

    /// Every known name.
    pub fn all() -> impl Iterator<Item = ScopeName> {
        NAMES.iter().map(|(n, _)| ScopeName(n))
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// Does `name:{p}:{storeKey}` exist?
    pub fn has_store_form(self) -> bool {
        NAMES.iter().any(|(n, store)| *n == self.0 && *store)
    }

    /// A `view_*` scope?
    pub fn is_view(self) -> bool {
        self.0.starts_with("view_")
    }

    /// Within one project and store: the same name, or `manage_X` over `view_X`.
    pub(super) fn implies_name(self, want: ScopeName) -> bool {
        if self == want {
            return true;
        }
        match (self.0.strip_prefix("manage_"), want.0.strip_prefix("view_")) {
            (Some(held), Some(wanted)) => held == wanted,
            _ => false,
        }
    }
}
