-- Private tasks (issue 14): each account's own lists of tasks, reachable by their owner alone, and
-- the link from a room's task copied out of one, so completing either completes both.

CREATE TABLE private_task_lists (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 60),
    -- Tabs in the order made; a new list goes last.
    position   integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- The target of the tasks' key, so a task can only ever sit in a list of its own owner.
    CONSTRAINT private_task_lists_owner_key UNIQUE (user_id, id)
);
CREATE INDEX private_task_lists_user_idx ON private_task_lists (user_id, position);

CREATE TABLE private_tasks (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    list_id    uuid NOT NULL,
    title      text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
    -- Markdown, rendered safe when shown; '' when there are none.
    notes      text NOT NULL DEFAULT '' CHECK (char_length(notes) <= 5000),
    -- A day in the owner's zone (users.timezone), not an instant: "due on the 3rd" stays the 3rd
    -- when the owner travels.
    due_on     date CHECK (due_on BETWEEN '2000-01-01' AND '2100-12-31'),
    done       boolean NOT NULL DEFAULT false,
    done_at    timestamptz,
    -- Order within the list among open tasks; done tasks are shown by done_at instead.
    position   bigint NOT NULL,
    -- Moves on every edit, so a form from a tab that saw an older version is refused (409).
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (user_id, list_id) REFERENCES private_task_lists (user_id, id) ON DELETE CASCADE,
    CHECK (done = (done_at IS NOT NULL))
);
CREATE INDEX private_tasks_list_idx ON private_tasks (list_id, done, position);
-- Counting open tasks for the limit, and "due today or overdue" on /me.
CREATE INDEX private_tasks_open_due_idx ON private_tasks (user_id, due_on) WHERE NOT done;

-- A room task copied from a private one ("add from my tasks"); deleting the private task leaves
-- the room's copy as an ordinary task.
ALTER TABLE tasks ADD COLUMN private_task_id uuid REFERENCES private_tasks (id) ON DELETE SET NULL;
CREATE INDEX tasks_private_task_idx ON tasks (private_task_id) WHERE private_task_id IS NOT NULL;
