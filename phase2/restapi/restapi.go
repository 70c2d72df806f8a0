// This file is yours to edit. The build tag below leaves it out when the
// course's own answers are tested (go test -tags solutions ./...).

//go:build !solutions

package restapi

import (
	"net/http"

	"github.com/netkoans/netkoans/internal/todo"
)

// MaxBodyBytes is the largest request body the API reads: 1 MiB. A longer
// body is refused with 413 Request Entity Too Large.
const MaxBodyBytes = 1 << 20

// Todo is one item of a to-do list, as stored and as sent over the wire.
type Todo struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Done  bool   `json:"done"`
}

// Store is an in-memory store of todos, safe for concurrent use: an HTTP
// server calls its handlers on many goroutines at once. IDs start at 1 and
// are never reused, even after a Delete.
type Store struct {
	// Add what you need.
}

// NewStore returns an empty Store.
func NewStore() *Store {
	return &Store{}
}

// Create stores t under a new ID, ignoring t.ID, and returns the stored todo.
func (s *Store) Create(t Todo) Todo {
	return Todo{}
}

// Get returns the todo with the given ID, and whether there is one.
func (s *Store) Get(id int64) (Todo, bool) {
	return Todo{}, false
}

// List returns every todo, sorted by ID. It returns an empty, non-nil slice
// when the store is empty.
func (s *Store) List() []Todo {
	return nil
}

// Replace replaces the todo with the given ID by t (t.ID is ignored) and
// returns the stored todo. It reports false, and stores nothing, if there is
// no todo with that ID.
func (s *Store) Replace(id int64, t Todo) (Todo, bool) {
	return Todo{}, false
}

// Delete removes the todo with the given ID and reports whether there was one.
func (s *Store) Delete(id int64) bool {
	return false
}

// NewHandler returns the API over store:
//
//	GET    /todos       200, every todo as a JSON array sorted by ID ([] if none)
//	POST   /todos       201, the created todo; Location: /todos/{id}
//	GET    /todos/{id}  200, the todo
//	PUT    /todos/{id}  200, the todo as replaced (PUT never creates)
//	DELETE /todos/{id}  204, no body
//
// Success bodies are JSON (Content-Type: application/json). The server owns
// IDs: an "id" in a request body is ignored. Errors are JSON too,
// {"error": "why"}, with these statuses:
//
//   - 404 when {id} names no todo, including an {id} that is not the plain
//     decimal form of a positive number ("abc", "0", "007");
//   - 405 with an Allow header listing the methods the path supports, when
//     the path exists but the method does not (ServeMux sends this one, in
//     plain text);
//   - 415 when a POST or PUT has no Content-Type, or one other than
//     application/json (parameters allowed; a charset must be utf-8);
//   - 413 when its body is longer than MaxBodyBytes (read no further);
//   - 400 when its body is not exactly one JSON object with only the fields
//     of Todo, or its title is empty or blank.
//
// A request answered with an error changes nothing in the store. Paths
// that match no route get ServeMux's plain-text 404.
func NewHandler(store *Store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, todo.Text, http.StatusNotImplemented)
	})
}
