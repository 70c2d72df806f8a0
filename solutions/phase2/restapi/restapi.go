//go:build solutions

// Package restapi is the reference answer to the phase2/restapi koan.
package restapi

import (
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	// A RWMutex lets readers (Get, List — most of an API's traffic) run in
	// parallel; writers take it exclusively. The ID counter lives under the
	// same lock as the map, so "next ID" and "store it" are one step.
	mu    sync.RWMutex
	todos map[int64]Todo
	last  int64
}

// NewStore returns an empty Store.
func NewStore() *Store {
	return &Store{todos: make(map[int64]Todo)}
}

// Create stores t under a new ID, ignoring t.ID, and returns the stored todo.
func (s *Store) Create(t Todo) Todo {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last++
	t.ID = s.last
	s.todos[t.ID] = t
	return t
}

// Get returns the todo with the given ID, and whether there is one.
func (s *Store) Get(id int64) (Todo, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.todos[id]
	return t, ok
}

// List returns every todo, sorted by ID. It returns an empty, non-nil slice
// when the store is empty.
func (s *Store) List() []Todo {
	s.mu.RLock()
	// Copy under the lock, sort outside it: readers hold it briefly.
	list := slices.AppendSeq(make([]Todo, 0, len(s.todos)), maps.Values(s.todos))
	s.mu.RUnlock()
	slices.SortFunc(list, func(a, b Todo) int { return cmp.Compare(a.ID, b.ID) })
	return list
}

// Replace replaces the todo with the given ID by t (t.ID is ignored) and
// returns the stored todo. It reports false, and stores nothing, if there is
// no todo with that ID.
func (s *Store) Replace(id int64, t Todo) (Todo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Check and store under one lock: with two, a Delete could slip in
	// between and Replace would resurrect the todo.
	if _, ok := s.todos[id]; !ok {
		return Todo{}, false
	}
	t.ID = id
	s.todos[id] = t
	return t, true
}

// Delete removes the todo with the given ID and reports whether there was one.
func (s *Store) Delete(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.todos[id]
	delete(s.todos, id)
	return ok
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
	a := &api{store: store}
	// Go 1.22 patterns: the method is part of the pattern, and {id} is a
	// path wildcard read with r.PathValue. A path that matches with another
	// method gets 405 and an Allow header from the mux itself. Registering
	// a catch-all "/" would break that: it matches every method, so every
	// 405 would become the catch-all's answer.
	mux := http.NewServeMux()
	mux.HandleFunc("GET /todos", a.list)
	mux.HandleFunc("POST /todos", a.create)
	mux.HandleFunc("GET /todos/{id}", a.get)
	mux.HandleFunc("PUT /todos/{id}", a.replace)
	mux.HandleFunc("DELETE /todos/{id}", a.delete)
	return mux
}

type api struct{ store *Store }

func (a *api) list(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, a.store.List())
}

func (a *api) create(w http.ResponseWriter, r *http.Request) {
	t, ok := readTodo(w, r)
	if !ok {
		return
	}
	t = a.store.Create(t)
	// 201 says "a new resource exists"; Location says where. A relative
	// reference is allowed (RFC 9110 §10.2.2) and clients resolve it
	// against the request URL (resp.Location() does).
	w.Header().Set("Location", "/todos/"+strconv.FormatInt(t.ID, 10))
	writeJSON(w, http.StatusCreated, t)
}

func (a *api) get(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	t, ok := a.store.Get(id)
	if !ok {
		notFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (a *api) replace(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	t, ok := readTodo(w, r)
	if !ok {
		return
	}
	// The path names the todo; an "id" in the body is ignored, so a client
	// cannot move a todo or overwrite another one by editing the body.
	t, ok = a.store.Replace(id, t)
	if !ok {
		// No upsert: IDs belong to the server, so PUT cannot create.
		notFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

func (a *api) delete(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	if !a.store.Delete(id) {
		notFound(w, id)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// pathID parses the {id} wildcard. Anything but the canonical decimal form
// of a positive ID names no todo: 404. Accepting "007" or "+7" would give
// one todo many URLs.
func pathID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	s := r.PathValue("id")
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != s {
		writeError(w, http.StatusNotFound, "no todo "+strconv.Quote(s))
		return 0, false
	}
	return id, true
}

func notFound(w http.ResponseWriter, id int64) {
	writeError(w, http.StatusNotFound, "no todo "+strconv.FormatInt(id, 10))
}

// readTodo decodes the request body into a Todo, or answers the request
// with the right 4xx and reports false. Nothing from the client is trusted:
// its media type, its size and its shape are all checked.
func readTodo(w http.ResponseWriter, r *http.Request) (Todo, bool) {
	if !isJSON(r.Header.Get("Content-Type")) {
		writeError(w, http.StatusUnsupportedMediaType, "Content-Type must be application/json")
		return Todo{}, false
	}
	// MaxBytesReader stops reading after MaxBodyBytes and fails with a
	// *http.MaxBytesError, so memory is bounded whatever the client sends,
	// with or without a Content-Length. On a real server it also tells
	// net/http to close the connection rather than drain the rest.
	body := http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	dec := json.NewDecoder(body)
	// A misspelt field ("titel") is a client bug: say so instead of
	// silently storing an empty title.
	dec.DisallowUnknownFields()
	var t Todo
	err := dec.Decode(&t)
	if err == nil {
		// Exactly one JSON value: `{"title":"a"}{"title":"b"}` is not a
		// todo. Decoding again must reach the end of the body.
		if err = dec.Decode(&struct{}{}); errors.Is(err, io.EOF) {
			err = nil
		} else if err == nil {
			err = errors.New("body must hold a single JSON object")
		}
	}
	if err != nil {
		if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
			writeError(w, http.StatusRequestEntityTooLarge, "body larger than "+strconv.Itoa(MaxBodyBytes)+" bytes")
			return Todo{}, false
		}
		if errors.Is(err, io.EOF) {
			err = errors.New("empty body")
		}
		writeError(w, http.StatusBadRequest, "invalid JSON: "+err.Error())
		return Todo{}, false
	}
	if strings.TrimSpace(t.Title) == "" {
		writeError(w, http.StatusBadRequest, "title is required")
		return Todo{}, false
	}
	return t, true
}

// isJSON reports whether a Content-Type header names JSON. Parameters are
// allowed, but JSON is UTF-8 (RFC 8259): another charset is refused.
func isJSON(contentType string) bool {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != "application/json" { // ParseMediaType lowercases it
		return false
	}
	charset, ok := params["charset"]
	return !ok || strings.EqualFold(charset, "utf-8")
}

// writeError sends {"error": msg}: clients of a JSON API parse errors too.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, struct {
		Error string `json:"error"`
	}{msg})
}

// writeJSON encodes v before writing anything, so that an encoding failure
// could still become a 500 instead of a 200 with half a body.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}
