// Package restapi is a koan: a small JSON REST API over an in-memory store.
//
// # The lesson
//
// A REST API maps resources to URLs and operations to methods: POST to a
// collection creates, GET reads, PUT replaces, DELETE removes. The status
// code is part of the answer, and clients act on it: 201 Created with a
// Location header saying where the new resource lives, 204 No Content after
// a delete, 404 when the resource does not exist, and 405 Method Not Allowed
// with an Allow header when the URL exists but not for that method.
//
// Since Go 1.22, [net/http.ServeMux] routes on methods and path wildcards:
// "GET /todos/{id}" matches only GET (and HEAD), and the handler reads the
// segment with [net/http.Request.PathValue]. The mux answers 405 with Allow
// by itself when a path matches with another method. Before Go 1.22 this
// took a third-party router or a switch on r.Method in every handler, and
// much code in the wild still does it that way — often forgetting Allow.
// One trap survives: a catch-all "/" pattern matches every method, so it
// swallows every 405 and turns it into its own answer.
//
// A request body is untrusted input. Check its Content-Type before reading
// it (415 Unsupported Media Type). Bound its size with
// [net/http.MaxBytesReader]: it stops reading at the limit and fails with a
// [*net/http.MaxBytesError] — answer 413 — however large the body is and
// whether or not it declared a Content-Length. Decode it with a
// [encoding/json.Decoder] after [encoding/json.Decoder.DisallowUnknownFields],
// so that a misspelt field is an error rather than a silently empty one, and
// check that the body holds exactly one value. Validate what you decoded
// (a blank title is a 400) before touching the store. Answer errors in the
// API's own format — here {"error": "why"} — because clients parse those too.
// (encoding/json/v2, stricter by default, is still an experiment behind
// GOEXPERIMENT=jsonv2 in Go 1.26; v1 with these checks is today's practice.)
//
// An http.Server runs every request on its own goroutine, so the store is
// shared memory: a map read and written from several goroutines at once is
// a data race, and the runtime may crash with "concurrent map writes". Guard
// it with a [sync.RWMutex] (readers share, writers exclude), and make each
// operation one critical section — "pick the next ID, then store" split
// over two locks hands out the same ID twice. Run the tests with -race.
//
// # What to build
//
//   - Store: Create, Get, List, Replace, Delete, safe for concurrent use.
//   - NewHandler: the five routes over a Store, with the statuses, headers
//     and JSON bodies its doc comment lists.
//
// # Traps the tests will catch
//
//   - 200 instead of 201, or no Location, after a create;
//   - 200 with an empty body, or a panic, for a todo that does not exist;
//   - 405 without Allow, or 404 where 405 is due (a catch-all "/");
//   - bad JSON, unknown fields, two objects in one body, a blank title
//     stored instead of refused with 400;
//   - a body read whole before its size is checked, or cut short with
//     io.LimitReader (a 400 where 413 is due);
//   - a missing or wrong Content-Type accepted instead of 415;
//   - null instead of [] for an empty list;
//   - a store without a lock, or with IDs handed out twice (go test -race).
//
// # Try it
//
// Serve it from a scratch main with
// http.ListenAndServe("127.0.0.1:8080", restapi.NewHandler(restapi.NewStore())), then:
//
//	curl -i -H 'Content-Type: application/json' -d '{"title":"learn Go"}' localhost:8080/todos
//	curl -i -X PATCH localhost:8080/todos/1
//
// Read: [net/http.ServeMux] (the Patterns section), [net/http.MaxBytesReader],
// [encoding/json.Decoder], [mime.ParseMediaType], [sync.RWMutex].
package restapi
