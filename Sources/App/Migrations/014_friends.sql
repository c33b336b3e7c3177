-- Friend lists that page by name in O(page) (issue 12, "/friends at 5,000 friends"), and search
-- by the start of a username.

-- Each friendship row carries its friend's lower-case username, so "my friends by name, after X"
-- is one index range of 50 rows instead of a sort of every friend. Kept by triggers: filled on
-- insert from users, rewritten when the friend renames (rare: one row per friend of theirs).
ALTER TABLE friendships ADD COLUMN friend_key text COLLATE "C";
UPDATE friendships f SET friend_key = lower(u.username) FROM users u WHERE u.id = f.friend_id;
ALTER TABLE friendships ALTER COLUMN friend_key SET NOT NULL;
CREATE INDEX friendships_by_name_idx ON friendships (user_id, friend_key);

CREATE FUNCTION friendships_set_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.friend_key := (SELECT lower(username) FROM users WHERE id = NEW.friend_id);
    RETURN NEW;
END
$$;
CREATE TRIGGER friendships_set_key BEFORE INSERT ON friendships
    FOR EACH ROW EXECUTE FUNCTION friendships_set_key();

CREATE FUNCTION users_rename_friend_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE friendships SET friend_key = lower(NEW.username) WHERE friend_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER users_rename_friend_key AFTER UPDATE OF username ON users
    FOR EACH ROW WHEN (lower(OLD.username) IS DISTINCT FROM lower(NEW.username))
    EXECUTE FUNCTION users_rename_friend_key();

-- Search: `lower(username) LIKE 'prefix%'` among proven accounts, by index whatever the collation.
CREATE INDEX users_username_prefix_idx ON users (lower(username) text_pattern_ops) WHERE email_verified_at IS NOT NULL;
