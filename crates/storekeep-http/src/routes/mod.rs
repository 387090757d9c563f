//! The REST and OAuth routes. Every route is listed here, through [`Routes`], which records
//! each (method, path) it registers so that the authorization table can be checked against
//! what the router really serves. Handlers live in one module per resource.

pub(crate) mod admin;
mod api_clients;
mod carts;
mod customer_tokens;
mod customers;
mod graphql;
mod health;
mod me;
mod my_carts;
mod oauth;
mod projects;
mod stores;
mod target;

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{on, MethodFilter, MethodRouter};
use axum::Router;

use crate::AppState;

/// An HTTP method a route can be registered for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verb {
    Get,
    Head,
    Post,
    Delete,
}

impl Verb {
    fn filter(self) -> MethodFilter {
        match self {
            Verb::Get => MethodFilter::GET,
            Verb::Head => MethodFilter::HEAD,
            Verb::Post => MethodFilter::POST,
            Verb::Delete => MethodFilter::DELETE,
        }
    }

    fn method(self) -> Method {
        match self {
            Verb::Get => Method::GET,
            Verb::Head => Method::HEAD,
            Verb::Post => Method::POST,
            Verb::Delete => Method::DELETE,
        }
    }
}

/// A router under construction and the list of what it registers.
struct Routes {
    router: Router<AppState>,
    list: Vec<(Method, &'static str)>,
}

/// One path's handlers, by verb.
struct PathRoutes {
    methods: MethodRouter<AppState>,
    verbs: Vec<Verb>,
}

impl PathRoutes {
    fn new() -> Self {
        PathRoutes {
            methods: MethodRouter::new(),
            verbs: Vec::new(),
        }
    }

    fn on<H, T>(mut self, verb: Verb, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.methods = self.methods.merge(on(verb.filter(), handler));
        self.verbs.push(verb);
        self
    }
}

impl Routes {
    fn add(mut self, path: &'static str, p: PathRoutes) -> Self {
        for v in &p.verbs {
            self.list.push((v.method(), path));
        }
        // axum answers HEAD with the GET handler where no HEAD handler is registered.
        if p.verbs.contains(&Verb::Get) && !p.verbs.contains(&Verb::Head) {
            self.list.push((Method::HEAD, path));
        }
        self.router = self.router.route(path, p.methods);
        self
    }

    /// Let a resource module register its own group of routes (both forms of a resource's
    /// project and in-store paths).
    fn with(self, group: fn(Routes) -> Routes) -> Self {
        group(self)
    }
}

fn build() -> Routes {
    use Verb::{Delete, Get, Head, Post};
    let r = || PathRoutes::new();
    Routes {
        router: Router::new(),
        list: Vec::new(),
    }
    .add("/health", r().on(Get, health::health))
    .add(admin::PAGE_PATH, r().on(Get, admin::index))
    .add("/admin/assets/{file}", r().on(Get, admin::asset))
    .add("/ready", r().on(Get, health::ready))
    .add("/oauth/token", r().on(Post, oauth::token))
    .add("/oauth/introspect", r().on(Post, oauth::introspect))
    .add(
        "/oauth/{project}/customers/token",
        r().on(Post, oauth::customer_token),
    )
    .add(
        "/oauth/{project}/in-store/{store}/customers/token",
        r().on(Post, oauth::customer_token),
    )
    .add(
        "/oauth/{project}/anonymous/token",
        r().on(Post, oauth::anonymous_token),
    )
    .add(
        "/{project}",
        r().on(Get, projects::get_project)
            .on(Post, projects::update_project),
    )
    .add(
        "/{project}/stores",
        r().on(Get, stores::query_stores)
            .on(Head, stores::head_stores)
            .on(Post, stores::create_store),
    )
    .add(
        "/{project}/stores/{target}",
        r().on(Get, stores::get_store)
            .on(Head, stores::head_store)
            .on(Post, stores::update_store)
            .on(Delete, stores::delete_store),
    )
    .add(
        "/{project}/api-clients",
        r().on(Get, api_clients::query_api_clients)
            .on(Head, api_clients::head_api_clients)
            .on(Post, api_clients::create_api_client),
    )
    .add(
        "/{project}/api-clients/{id}",
        r().on(Get, api_clients::get_api_client)
            .on(Head, api_clients::head_api_client)
            .on(Delete, api_clients::delete_api_client),
    )
    .with(customers::routes)
    .with(me::routes)
    .with(carts::routes)
    .with(my_carts::routes)
    .add(
        "/{project}/graphql",
        r().on(Get, graphql::get_graphql)
            .on(Post, graphql::post_graphql),
    )
}

pub use target::no_such_endpoint;

/// All routes (without fallbacks and layers).
pub fn api() -> Router<AppState> {
    build().router
}

/// Every (method, route pattern) the router serves.
pub fn registered() -> Vec<(Method, &'static str)> {
    build().list
}
