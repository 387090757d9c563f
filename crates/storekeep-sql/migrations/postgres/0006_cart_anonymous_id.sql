-- Carts by anonymous id: the anonymous session flow refuses an anonymous_id that any cart
-- carries (AnonymousIdAlreadyInUse), and sign-in/sign-up hand a session's carts over by it.
-- Without the index each such request scanned every cart of the project.
CREATE INDEX carts_anonymous ON carts (project_key, (body->>'anonymousId'), id);
