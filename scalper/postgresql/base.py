"""Django's PostgreSQL backend, with a health check that costs no round trip to the server.

Django checks a kept connection before each request's first query by sending `SELECT 1`: one
more round trip on every request, 10 to 17% of the requests/s of the small API requests
(docs/benchmarks.md). A server that ends a connection (a restart, `pg_terminate_backend`, an
idle timeout) sends its reason and closes the socket, and between requests an idle connection
of ours is otherwise sent next to nothing (it LISTENs to nothing). So a connection with nothing
to read is taken as it is, and one with something to read gets Django's `SELECT 1`, which
fails on a connection that is gone and reads a harmless message on one that is not. A server
that vanished without a word (a lost network) goes unnoticed until a query times out, as with
`SELECT 1`, which would have waited just the same.
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
        return not poller.poll(0) or super().is_usable()
