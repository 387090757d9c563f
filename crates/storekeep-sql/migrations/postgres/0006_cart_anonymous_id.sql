-- Carts by anonymous id: the anonymous session flow refuses an anonymous_id that any cart
-- carries (AnonymousIdAlreadyInUse), and sign-in/sign-up hand a session's carts over by it.
-- Without the index each such request scanned every cart of the project. A hash index: the
-- look-ups are equalities, and a B-tree refuses entries over ~2.7 kB, which an anonymousId
-- set through the API can exceed (the write would fail).
CREATE INDEX carts_anonymous ON carts USING hash ((body->>'anonymousId'));
