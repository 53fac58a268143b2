"""Django's PostgreSQL backend, with a health check that costs no round trip to the server.

Django checks a persistent connection before each request's first query by sending `SELECT 1`:
one more round trip on every request, as long as a short query itself. A server that ends a
connection (a restart, `pg_terminate_backend`, an idle timeout) sends its reason and closes the
socket; an idle connection of ours is sent nothing else (it LISTENs to nothing). So a connection
whose socket has something to read between requests is gone or going, and is replaced. A server
that vanished without a word (a lost network) goes unnoticed until a query times out, as it
did with `SELECT 1`, which would have waited just the same.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        if self.connection is None or self.connection.closed:
            return False
        # poll, not select: a process with many open files has descriptors select cannot watch.
        poller = select.poll()
        poller.register(self.connection.fileno(), select.POLLIN)
        return not poller.poll(0)
