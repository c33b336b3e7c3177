-- Two statements of the friends pages, as PL/pgSQL functions: their plans are kept per connection
-- (after a few runs, one generic plan), where planning them afresh took longer than running them
-- (1.6–2.4 ms of planning against 0.6–2.4 ms of work at 5,000 friends; bench/friends.sh).

-- Where each of `ids` sits, for friend lists (`FriendPresenceReader`): their latest seat seen in the
-- last `away_seconds`, in a live room, with its timer and current segment.
CREATE FUNCTION friend_seats(ids uuid[], away_seconds integer)
RETURNS TABLE (id uuid, appear_offline boolean, code text, status text, kind text, seconds_left float8, seen_ago float8,
               username text, display_name text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT u.id, u.appear_offline, seat.code, seat.status, seat.kind, seat.seconds_left, seat.seen_ago, u.username, u.display_name
    FROM users u
    LEFT JOIN LATERAL (
        SELECT r.code, r.status, s.kind,
               extract(epoch FROM r.segment_ends_at - now())::float8 AS seconds_left,
               extract(epoch FROM now() - p.last_seen_at)::float8 AS seen_ago
        FROM participants p
        JOIN rooms r ON r.id = p.room_id AND r.expires_at > now() AND r.status <> 'ended'
        LEFT JOIN segments s ON s.room_id = r.id AND s.position = r.current_segment_index
        WHERE p.user_id = u.id AND p.last_seen_at > now() - make_interval(secs => away_seconds)
        ORDER BY p.last_seen_at DESC LIMIT 1
    ) seat ON true
    WHERE u.id = ANY (ids);
END $$;

-- The friends page's lists in one call (`FriendStore.overview`): a page of friends by name after
-- `after`, the counts, waiting requests both ways and blocks; each part numbers its own rows.
CREATE FUNCTION friends_overview(me uuid, after text, page_size integer, pending_size integer, blocked_size integer)
RETURNS TABLE (part text, n bigint, id uuid, username text, display_name text, extra float8)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT 'friend', page.n, page.id, page.username, page.display_name, 0::float8 FROM (
        SELECT row_number() OVER (ORDER BY f.friend_key) AS n, u.id, u.username, u.display_name
        FROM (SELECT fr.friend_id, fr.friend_key FROM friendships fr WHERE fr.user_id = me AND fr.friend_key > coalesce(after, '')
              ORDER BY fr.friend_key LIMIT page_size) f JOIN users u ON u.id = f.friend_id) page
    UNION ALL
    SELECT 'count', (SELECT count(*) FROM friendships fr WHERE fr.user_id = me),
           NULL::uuid, (SELECT count(*) FROM friend_requests r WHERE r.to_id = me AND r.status = 'pending')::text,
           (SELECT count(*) FROM friend_requests r WHERE r.from_id = me AND r.status = 'pending')::text, 0::float8
    UNION ALL
    SELECT 'in', row_number() OVER (ORDER BY r.created_at DESC, r.id DESC), u.id, u.username, u.display_name, r.id::float8
    FROM (SELECT q.id, q.from_id, q.created_at FROM friend_requests q WHERE q.to_id = me AND q.status = 'pending'
          ORDER BY q.created_at DESC, q.id DESC LIMIT pending_size) r JOIN users u ON u.id = r.from_id
    UNION ALL
    SELECT 'out', row_number() OVER (ORDER BY r.created_at DESC, r.id DESC), u.id, u.username, u.display_name, r.id::float8
    FROM (SELECT q.id, q.to_id, q.created_at FROM friend_requests q WHERE q.from_id = me AND q.status = 'pending'
          ORDER BY q.created_at DESC, q.id DESC LIMIT pending_size) r JOIN users u ON u.id = r.to_id
    UNION ALL
    SELECT 'blocked', row_number() OVER (ORDER BY b.created_at DESC), u.id, u.username, u.display_name, 0::float8
    FROM (SELECT k.blocked_id, k.created_at FROM user_blocks k WHERE k.blocker_id = me ORDER BY k.created_at DESC LIMIT blocked_size) b
    JOIN users u ON u.id = b.blocked_id;
END $$;
