package restapi_test

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/netkoans/netkoans/internal/koantest"
	"github.com/netkoans/netkoans/phase2/restapi"
)

const jsonType = "application/json"

// call sends one request straight to h, with no network, and returns the
// recorded response. A handler that blocks fails the test instead of
// hanging it.
func call(t testing.TB, h http.Handler, method, path, contentType string, body io.Reader) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	koantest.Do(t, "serving "+method+" "+path, func() { h.ServeHTTP(rec, req) })
	return rec
}

// send is call with a string body sent as JSON (or with no Content-Type
// when body is empty).
func send(t testing.TB, h http.Handler, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	ct := jsonType
	if body == "" {
		ct = ""
	}
	return call(t, h, method, path, ct, strings.NewReader(body))
}

// describe shows a response in failure messages.
func describe(rec *httptest.ResponseRecorder) string {
	body := rec.Body.String()
	if len(body) > 120 {
		body = body[:120] + "…"
	}
	return fmt.Sprintf("got: %d %s, Content-Type %q, body %q", rec.Code, http.StatusText(rec.Code), rec.Result().Header.Get("Content-Type"), body)
}

// requireStatus fails unless rec has the wanted status.
func requireStatus(t testing.TB, rec *httptest.ResponseRecorder, want int, what, hint string) {
	t.Helper()
	require.Equal(t, want, rec.Code, "%s: want %d %s\n%s\nhint: %s", what, want, http.StatusText(want), describe(rec), hint)
}

// requireJSON fails unless rec has a JSON body that decodes into v.
func requireJSON(t testing.TB, rec *httptest.ResponseRecorder, v any, what string) {
	t.Helper()
	ct := rec.Result().Header.Get("Content-Type")
	require.True(t, strings.HasPrefix(ct, jsonType), "%s: the body is JSON, so say so: want Content-Type %q\n%s\nhint: w.Header().Set(\"Content-Type\", \"application/json\") before WriteHeader — headers set after it are not sent", what, jsonType, describe(rec))
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), v), "%s: the body is not the JSON expected\n%s", what, describe(rec))
}

// requireError fails unless rec is an error response with the wanted status
// and a JSON body {"error": "…"}.
func requireError(t testing.TB, rec *httptest.ResponseRecorder, want int, what, hint string) {
	t.Helper()
	requireStatus(t, rec, want, what, hint)
	var e struct{ Error string }
	requireJSON(t, rec, &e, what+" (errors are JSON too)")
	require.NotEmpty(t, e.Error, "%s: an error body says why: {\"error\": \"…\"}\n%s", what, describe(rec))
}

// list returns what GET /todos answers.
func list(t testing.TB, h http.Handler) []restapi.Todo {
	t.Helper()
	rec := send(t, h, "GET", "/todos", "")
	requireStatus(t, rec, http.StatusOK, "GET /todos", "register a handler for the pattern \"GET /todos\"")
	var todos []restapi.Todo
	requireJSON(t, rec, &todos, "GET /todos")
	return todos
}

func TestCreate(t *testing.T) {
	h := restapi.NewHandler(restapi.NewStore())
	for i, tc := range []struct {
		body string
		want restapi.Todo
	}{
		{`{"title":"learn Go"}`, restapi.Todo{ID: 1, Title: "learn Go"}},
		{`{"title":"teach Go","done":true}`, restapi.Todo{ID: 2, Title: "teach Go", Done: true}},
	} {
		what := "POST /todos " + tc.body
		rec := send(t, h, "POST", "/todos", tc.body)
		requireStatus(t, rec, http.StatusCreated, what, "a POST that creates answers 201 Created, not 200: w.WriteHeader(http.StatusCreated)")
		location := "/todos/" + strconv.Itoa(i+1)
		require.Equal(t, location, rec.Result().Header.Get("Location"), "%s: a 201 says where the new todo lives, in a Location header\n%s\n"+
			"hint: w.Header().Set(\"Location\", …) before WriteHeader — headers set after it are not sent", what, describe(rec))
		var got restapi.Todo
		requireJSON(t, rec, &got, what)
		require.Equal(t, tc.want, got, "%s: the body is the created todo, with the ID the server gave it", what)

		rec = send(t, h, "GET", location, "")
		requireStatus(t, rec, http.StatusOK, "GET "+location+" (the Location of a todo just created)", `register "GET /todos/{id}" and read the ID with r.PathValue("id")`)
		got = restapi.Todo{}
		requireJSON(t, rec, &got, "GET "+location)
		require.Equal(t, tc.want, got, "GET %s must return the todo created there", location)
	}
}

// One scripted session: every route, in order, against one store.
func TestCRUD(t *testing.T) {
	h := restapi.NewHandler(restapi.NewStore())
	for i, step := range []struct {
		method, path, body string
		status             int
		want               string // the JSON body expected; "" for none, "error" for {"error": …}
		hint               string
	}{
		{"GET", "/todos", "", 200, `[]`, "an empty list is [] — a nil slice encodes as null: start from make([]Todo, 0)"},
		{"POST", "/todos", `{"title":"a"}`, 201, `{"id":1,"title":"a","done":false}`, "IDs start at 1"},
		{"POST", "/todos", `{"title":"b"}`, 201, `{"id":2,"title":"b","done":false}`, "each create takes the next ID"},
		{"GET", "/todos", "", 200, `[{"id":1,"title":"a","done":false},{"id":2,"title":"b","done":false}]`, "map iteration order is random: sort the list by ID (slices.SortFunc)"},
		{"PUT", "/todos/1", `{"title":"a!","done":true}`, 200, `{"id":1,"title":"a!","done":true}`, "PUT replaces the todo and returns it"},
		{"GET", "/todos/1", "", 200, `{"id":1,"title":"a!","done":true}`, "a GET after a PUT sees the new todo"},
		{"DELETE", "/todos/1", "", 204, "", "a DELETE answers 204 No Content, with no body"},
		{"GET", "/todos/1", "", 404, "error", "a deleted todo is gone: 404"},
		{"DELETE", "/todos/1", "", 404, "error", "deleting what is not there is a 404"},
		{"PUT", "/todos/1", `{"title":"back"}`, 404, "error", "PUT never creates: the server owns IDs, so a PUT to a missing todo is a 404"},
		{"POST", "/todos", `{"title":"c"}`, 201, `{"id":3,"title":"c","done":false}`, "IDs are never reused: not even after a delete"},
		{"GET", "/todos", "", 200, `[{"id":2,"title":"b","done":false},{"id":3,"title":"c","done":false}]`, "the list holds what is left, sorted by ID"},
		{"GET", "/todos/2", "", 200, `{"id":2,"title":"b","done":false}`, "other todos are untouched"},
	} {
		what := fmt.Sprintf("step %d: %s %s %s", i+1, step.method, step.path, step.body)
		rec := send(t, h, step.method, step.path, step.body)
		switch step.want {
		case "error":
			requireError(t, rec, step.status, what, step.hint)
		case "":
			requireStatus(t, rec, step.status, what, step.hint)
			require.Empty(t, rec.Body.String(), "%s: a 204 has no body\n%s", what, describe(rec))
		default:
			requireStatus(t, rec, step.status, what, step.hint)
			var v any
			requireJSON(t, rec, &v, what)
			require.JSONEq(t, step.want, rec.Body.String(), "%s\nhint: %s", what, step.hint)
		}
	}
}

func TestNotFound(t *testing.T) {
	h := restapi.NewHandler(restapi.NewStore())
	send(t, h, "POST", "/todos", `{"title":"the only todo, ID 1"}`)
	for _, tc := range []struct{ method, path, body, hint string }{
		{"GET", "/todos/42", "", "Store.Get reports false: answer 404, not 200 with an empty todo"},
		{"PUT", "/todos/42", `{"title":"x"}`, "Store.Replace reports false: 404"},
		{"DELETE", "/todos/42", "", "Store.Delete reports false: 404"},
		{"GET", "/todos/abc", "", "strconv.ParseInt fails: no todo is called abc — 404"},
		{"GET", "/todos/0", "", "IDs start at 1"},
		{"GET", "/todos/-1", "", "IDs start at 1"},
		{"GET", "/todos/01", "", "only the plain decimal form names a todo: compare strconv.FormatInt(id, 10) with the segment"},
		{"GET", "/todos/+1", "", "only the plain decimal form names a todo: compare strconv.FormatInt(id, 10) with the segment"},
		{"GET", "/todos/99999999999999999999", "", "an ID too big for int64 names no todo (ParseInt fails)"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			rec := send(t, h, tc.method, tc.path, tc.body)
			requireError(t, rec, http.StatusNotFound, tc.method+" "+tc.path, tc.hint)
		})
	}
	t.Run("no such route", func(t *testing.T) {
		rec := send(t, h, "GET", "/nothing/here", "")
		requireStatus(t, rec, http.StatusNotFound, "GET /nothing/here", "only the five routes exist")
	})
	require.Len(t, list(t, h), 1, "requests that failed must not change the store")
}

func TestMethodNotAllowed(t *testing.T) {
	h := restapi.NewHandler(restapi.NewStore())
	send(t, h, "POST", "/todos", `{"title":"one"}`)
	for _, tc := range []struct {
		method, path string
		allow        []string // HEAD may be listed too: GET patterns serve it
	}{
		{"PATCH", "/todos/1", []string{"DELETE", "GET", "PUT"}},
		{"POST", "/todos/1", []string{"DELETE", "GET", "PUT"}},
		{"DELETE", "/todos", []string{"GET", "POST"}},
		{"PUT", "/todos", []string{"GET", "POST"}},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			rec := send(t, h, tc.method, tc.path, "")
			requireStatus(t, rec, http.StatusMethodNotAllowed, tc.method+" "+tc.path+" (the path exists, the method does not)",
				"put the method in the pattern, \"GET /todos/{id}\", and ServeMux answers 405 itself; a catch-all \"/\" matches every method and swallows those 405s")
			var allow []string
			for m := range strings.SplitSeq(rec.Result().Header.Get("Allow"), ",") {
				if m = strings.TrimSpace(m); m != "" && m != "HEAD" {
					allow = append(allow, m)
				}
			}
			slices.Sort(allow)
			require.Equal(t, tc.allow, allow, "a 405 must list the methods the path does support, in an Allow header (got Allow: %q)\n"+
				"hint: ServeMux sets Allow when the method is in the pattern; a handler that answers 405 itself must set it too", rec.Result().Header.Get("Allow"))
		})
	}
	require.Len(t, list(t, h), 1, "a 405 changes nothing")
}

func TestBadJSON(t *testing.T) {
	for _, tc := range []struct{ name, body, hint string }{
		{"not JSON", `hello`, "json.Decoder.Decode fails: answer 400"},
		{"an empty body", ``, "Decode returns io.EOF: that is a 400 too"},
		{"cut short", `{"title":"x"`, "Decode fails with io.ErrUnexpectedEOF: 400"},
		{"a number for the title", `{"title":5}`, "a type error from Decode is the client's mistake: 400"},
		{"an unknown field", `{"title":"x","colour":"red"}`, "call DisallowUnknownFields on the Decoder before Decode"},
		{"a misspelt field", `{"titel":"x"}`, "call DisallowUnknownFields on the Decoder before Decode"},
		{"two objects", `{"title":"a"}{"title":"b"}`, "after the first value, a second Decode must return io.EOF: anything else is extra data"},
		{"trailing garbage", `{"title":"a"} x`, "after the first value, a second Decode must return io.EOF: anything else is extra data"},
		{"no title", `{"done":true}`, "validate after decoding: a todo needs a title"},
		{"a blank title", `{"title":" \t "}`, "validate after decoding: strings.TrimSpace(title) must not be empty"},
		{"null", `null`, "null decodes into nothing: the title is still empty"},
		{"an array", `[{"title":"x"}]`, "a todo is an object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := restapi.NewHandler(restapi.NewStore())
			rec := call(t, h, "POST", "/todos", jsonType, strings.NewReader(tc.body))
			requireError(t, rec, http.StatusBadRequest, "POST /todos "+tc.body, tc.hint)
			rec = call(t, h, "POST", "/todos", jsonType, strings.NewReader(`{"title":"ok"}`))
			requireStatus(t, rec, http.StatusCreated, "POST /todos", "create a todo")
			rec = call(t, h, "PUT", "/todos/1", jsonType, strings.NewReader(tc.body))
			requireError(t, rec, http.StatusBadRequest, "PUT /todos/1 "+tc.body, tc.hint)
			require.Equal(t, []restapi.Todo{{ID: 1, Title: "ok"}}, list(t, h),
				"requests refused with 400 must not change the store\nhint: decode and validate first, then call the store")
		})
	}
}

func TestUnsupportedMediaType(t *testing.T) {
	for _, tc := range []struct {
		contentType string
		want        int
	}{
		{"", http.StatusUnsupportedMediaType},
		{"text/plain", http.StatusUnsupportedMediaType},
		{"application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{"application/jsonp", http.StatusUnsupportedMediaType},
		{"application/json; charset=latin1", http.StatusUnsupportedMediaType},
		{"not a media type", http.StatusUnsupportedMediaType},
		{"application/json", http.StatusCreated},
		{"application/json; charset=utf-8", http.StatusCreated},
		{"Application/JSON; charset=UTF-8", http.StatusCreated},
	} {
		t.Run(fmt.Sprintf("%q", tc.contentType), func(t *testing.T) {
			h := restapi.NewHandler(restapi.NewStore())
			what := fmt.Sprintf("POST /todos with Content-Type %q", tc.contentType)
			rec := call(t, h, "POST", "/todos", tc.contentType, strings.NewReader(`{"title":"x"}`))
			if tc.want == http.StatusCreated {
				requireStatus(t, rec, tc.want, what, "compare the media type, not the raw header: mime.ParseMediaType lowercases it and splits off parameters")
				return
			}
			requireError(t, rec, tc.want, what, "check Content-Type before reading the body: mime.ParseMediaType, then compare with \"application/json\"")
			send(t, h, "POST", "/todos", `{"title":"ok"}`)
			rec = call(t, h, "PUT", "/todos/1", tc.contentType, strings.NewReader(`{"title":"x"}`))
			requireError(t, rec, tc.want, strings.Replace(what, "POST /todos", "PUT /todos/1", 1), "PUT reads a body too: check its Content-Type")
			require.Len(t, list(t, h), 1, "a refused request changes nothing")
		})
	}
}

// countingReader counts the bytes the handler read from a body.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// xs is an endless stream of 'x'.
type xs struct{}

func (xs) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// padded returns a todo whose JSON is exactly size bytes: the padding is
// whitespace inside the object, so a decoder must read all of it.
func padded(size int) string {
	const head, tail = `{"title":"big"`, `}`
	return head + strings.Repeat(" ", size-len(head)-len(tail)) + tail
}

func TestBodyLimit(t *testing.T) {
	const hint413 = "wrap the body in http.MaxBytesReader(w, r.Body, MaxBodyBytes); when Decode fails with a *http.MaxBytesError (errors.As), answer 413"
	t.Run("exactly MaxBodyBytes is fine", func(t *testing.T) {
		h := restapi.NewHandler(restapi.NewStore())
		rec := send(t, h, "POST", "/todos", padded(restapi.MaxBodyBytes))
		requireStatus(t, rec, http.StatusCreated, "POST /todos with a body of exactly MaxBodyBytes", "the limit is inclusive: MaxBytesReader(w, r.Body, MaxBodyBytes)")
	})
	for _, tc := range []struct {
		name string
		body func() io.Reader
	}{
		{"one byte over", func() io.Reader { return strings.NewReader(padded(restapi.MaxBodyBytes + 1)) }},
		{"a 2 MiB title", func() io.Reader {
			return strings.NewReader(`{"title":"` + strings.Repeat("x", 2<<20) + `"}`)
		}},
		// No Content-Length (as with chunked encoding): checking
		// r.ContentLength alone is not enough.
		{"8 MiB with no Content-Length", func() io.Reader {
			return io.MultiReader(strings.NewReader(`{"title":"`), io.LimitReader(xs{}, 8<<20), strings.NewReader(`"}`))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := restapi.NewHandler(restapi.NewStore())
			body := &countingReader{r: tc.body()}
			rec := call(t, h, "POST", "/todos", jsonType, body)
			requireError(t, rec, http.StatusRequestEntityTooLarge, "POST /todos with a body over MaxBodyBytes",
				hint413+" — io.LimitReader would cut the JSON short and give a 400 instead")
			require.LessOrEqual(t, body.n.Load(), int64(restapi.MaxBodyBytes+64<<10),
				"the handler read %d bytes of a body over the limit: stop reading at MaxBodyBytes, or a client can make the server buffer gigabytes\nhint: %s", body.n.Load(), hint413)

			send(t, h, "POST", "/todos", `{"title":"ok"}`)
			rec = call(t, h, "PUT", "/todos/1", jsonType, tc.body())
			requireError(t, rec, http.StatusRequestEntityTooLarge, "PUT /todos/1 with a body over MaxBodyBytes", hint413)
			require.Equal(t, []restapi.Todo{{ID: 1, Title: "ok"}}, list(t, h), "a refused request changes nothing")
		})
	}
}

// The server owns IDs: a client that sends one is ignored, not obeyed.
func TestServerOwnsIDs(t *testing.T) {
	h := restapi.NewHandler(restapi.NewStore())
	rec := send(t, h, "POST", "/todos", `{"id":999,"title":"mine"}`)
	requireStatus(t, rec, http.StatusCreated, `POST /todos {"id":999,…}`, `"id" is a known field of Todo, so it decodes — then ignore it`)
	require.Equal(t, "/todos/1", rec.Result().Header.Get("Location"), "the server chose ID 1; a client that sends \"id\" does not choose\nhint: Store.Create ignores t.ID")

	send(t, h, "POST", "/todos", `{"title":"yours"}`)
	rec = send(t, h, "PUT", "/todos/1", `{"id":2,"title":"mine, edited"}`)
	requireStatus(t, rec, http.StatusOK, `PUT /todos/1 {"id":2,…}`, "the path names the todo; the body's id is ignored")
	require.Equal(t, []restapi.Todo{{ID: 1, Title: "mine, edited"}, {ID: 2, Title: "yours"}}, list(t, h),
		"a PUT to /todos/1 changes todo 1 only, whatever id its body claims\nhint: Store.Replace(id, t) stores t under id, ignoring t.ID")
}

func TestStore(t *testing.T) {
	s := restapi.NewStore()
	require.NotNil(t, s.List(), "List on an empty store returns an empty, non-nil slice (JSON [] rather than null)")
	require.Empty(t, s.List())

	a := s.Create(restapi.Todo{ID: 7, Title: "a"})
	require.Equal(t, restapi.Todo{ID: 1, Title: "a"}, a, "Create gives the first todo ID 1, ignoring t.ID")
	b := s.Create(restapi.Todo{Title: "b", Done: true})
	require.Equal(t, restapi.Todo{ID: 2, Title: "b", Done: true}, b, "Create gives the next ID")

	got, ok := s.Get(2)
	require.True(t, ok, "Get(2) after two Creates")
	require.Equal(t, b, got)
	_, ok = s.Get(3)
	require.False(t, ok, "Get of an ID never created reports false")

	r, ok := s.Replace(1, restapi.Todo{ID: 2, Title: "a!", Done: true})
	require.True(t, ok, "Replace(1, …) of an existing todo reports true")
	require.Equal(t, restapi.Todo{ID: 1, Title: "a!", Done: true}, r, "Replace stores under the ID it was given, ignoring t.ID")
	_, ok = s.Replace(3, restapi.Todo{Title: "new"})
	require.False(t, ok, "Replace of a missing ID reports false")
	_, ok = s.Get(3)
	require.False(t, ok, "Replace of a missing ID stores nothing")

	require.True(t, s.Delete(1), "Delete(1) of an existing todo reports true")
	require.False(t, s.Delete(1), "Delete(1) again reports false")
	c := s.Create(restapi.Todo{Title: "c"})
	require.Equal(t, int64(3), c.ID, "IDs are never reused, even after a Delete")
	require.Equal(t, []restapi.Todo{b, c}, s.List(), "List returns every todo, sorted by ID")
}

// Many goroutines create at once: each must get its own ID. Run with -race
// to see the data race itself, not just its damage.
func TestStoreConcurrentCreates(t *testing.T) {
	s := restapi.NewStore()
	const workers, each = 8, 5000
	ids := make([][]int64, workers)
	koantest.Do(t, fmt.Sprintf("%d goroutines calling Create %d times each", workers, each), func() {
		var wg sync.WaitGroup
		start := make(chan struct{}) // all at once, to collide as much as possible
		for w := range workers {
			wg.Go(func() {
				<-start
				for range each {
					ids[w] = append(ids[w], s.Create(restapi.Todo{Title: "t"}).ID)
				}
			})
		}
		close(start)
		wg.Wait()
	})
	all := slices.Concat(ids...)
	slices.Sort(all)
	all = slices.Compact(all)
	require.Len(t, all, workers*each, "%d concurrent Creates handed out only %d distinct IDs: two todos got the same ID, and one overwrote the other\n"+
		"hint: pick the next ID and store the todo in one critical section, under one mutex.Lock", workers*each, len(all))
	require.Len(t, s.List(), workers*each, "after %d concurrent Creates", workers*each)
}

// Readers and writers at once. A map read while another goroutine writes it
// is a data race: -race reports it, and the runtime may crash with
// "concurrent map read and map write".
func TestStoreConcurrentReadsAndWrites(t *testing.T) {
	s := restapi.NewStore()
	const writers, each, readers = 4, 2000, 4
	koantest.Do(t, "readers and writers using the store at once", func() {
		var wg sync.WaitGroup
		start := make(chan struct{}) // all at once, to collide as much as possible
		for range writers {
			wg.Go(func() {
				<-start
				for i := range each {
					td := s.Create(restapi.Todo{Title: "t"})
					s.Replace(td.ID, restapi.Todo{Title: "u", Done: true})
					if i%2 == 0 {
						s.Delete(td.ID)
					}
				}
			})
		}
		for r := range readers {
			wg.Go(func() {
				<-start
				for i := range each {
					s.Get(int64(i + 1))
					if i%200 == r {
						s.List()
					}
				}
			})
		}
		close(start)
		wg.Wait()
	})
	require.Len(t, s.List(), writers*each/2, "after %d creates and %d deletes from %d goroutines at once\n"+
		"hint: every method locks the store's mutex: Lock to write, RLock to read", writers*each, writers*each/2, writers)
}

// Concurrent clients through the handler, as a server would run them: one
// goroutine per request. Run with -race.
func TestConcurrentClients(t *testing.T) {
	h := restapi.NewHandler(restapi.NewStore())
	const workers, each = 8, 25
	problems := make(chan string, workers)
	koantest.Do(t, fmt.Sprintf("%d clients making %d todos each at once", workers, each), func() {
		var wg sync.WaitGroup
		start := make(chan struct{})
		for w := range workers {
			wg.Go(func() {
				<-start
				if p := client(h, w, each); p != "" {
					problems <- p
				}
			})
		}
		close(start)
		wg.Wait()
	})
	close(problems)
	for p := range problems {
		require.Fail(t, p, "hint: guard the store's map with a sync.RWMutex; every method locks it")
	}
	todos := list(t, h)
	// Each client deleted its even-numbered todos and marked the rest done.
	require.Len(t, todos, workers*(each/2), "after %d clients each created %d todos and deleted %d", workers, each, each-each/2)
	require.True(t, slices.IsSortedFunc(todos, func(a, b restapi.Todo) int { return cmp.Compare(a.ID, b.ID) }), "the list is sorted by ID")
	for _, td := range todos {
		require.True(t, td.Done, "todo %d was marked done by a PUT, and that update was lost", td.ID)
	}
}

// client is one of many concurrent clients: it creates its own todos and
// reads, lists, updates and deletes them. It returns what went wrong, if
// anything.
func client(h http.Handler, w, each int) string {
	do := func(method, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", jsonType)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for i := range each {
		title := fmt.Sprintf("client %d todo %d", w, i)
		rec := do("POST", "/todos", `{"title":"`+title+`"}`)
		var td restapi.Todo
		if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &td) != nil || td.Title != title {
			return fmt.Sprintf("client %d: POST /todos %q: %s", w, title, describe(rec))
		}
		path := "/todos/" + strconv.FormatInt(td.ID, 10)
		rec = do("GET", path, "")
		var got restapi.Todo
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &got) != nil || got != td {
			return fmt.Sprintf("client %d: GET %s right after creating %+v there: %s — another client's todo got the same ID?", w, path, td, describe(rec))
		}
		if rec = do("GET", "/todos", ""); rec.Code != http.StatusOK {
			return fmt.Sprintf("client %d: GET /todos: %s", w, describe(rec))
		}
		if rec = do("PUT", path, `{"title":"`+title+`","done":true}`); rec.Code != http.StatusOK {
			return fmt.Sprintf("client %d: PUT %s: %s", w, path, describe(rec))
		}
		if i%2 == 0 {
			if rec = do("DELETE", path, ""); rec.Code != http.StatusNoContent {
				return fmt.Sprintf("client %d: DELETE %s: %s", w, path, describe(rec))
			}
		}
	}
	return ""
}

// The whole API over a real loopback connection, with a real client that
// resolves Location itself.
func TestOverHTTP(t *testing.T) {
	srv := httptest.NewServer(restapi.NewHandler(restapi.NewStore()))
	defer srv.Close()
	c := srv.Client()
	c.Timeout = koantest.Patience

	resp, err := c.Post(srv.URL+"/todos", "application/json", strings.NewReader(`{"title":"over the wire"}`))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusCreated, resp.StatusCode)
	loc, err := resp.Location()
	require.NoError(t, err, "a 201 response carries a Location header\nhint: set it before WriteHeader — headers set after it are not sent")

	resp, err = c.Get(loc.String())
	require.NoError(t, err)
	var got restapi.Todo
	err = json.NewDecoder(resp.Body).Decode(&got)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "GET %s", loc)
	require.Equal(t, restapi.Todo{ID: 1, Title: "over the wire"}, got)

	req, err := http.NewRequest("PATCH", loc.String(), strings.NewReader(`{"done":true}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err = c.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, "PATCH %s", loc)
	require.NotEmpty(t, resp.Header.Get("Allow"), "a 405 carries Allow")
}

// Whatever the body, the API answers 201, 400 or 413 — never 500, never a
// panic — and a 201 stored exactly what it returned.
func FuzzCreate(f *testing.F) {
	for _, seed := range []string{
		`{"title":"a"}`, `{"title":"a","done":true}`, `{"id":5,"title":"b"}`,
		`{"title":""}`, `{"title":"\u0000"}`, `{"title":"a"} {}`, `{"title":"a"`,
		`{"Title":"case"}`, `{"title":"a","title":"b"}`, `{"done":"yes"}`, `[]`, `null`, ``, `"str"`, `1e999`,
		`{"title":"\ud800"}`, "{\"title\":\"x\"}\n\n", "\xff",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		h := restapi.NewHandler(restapi.NewStore())
		rec := call(t, h, "POST", "/todos", jsonType, strings.NewReader(body))
		switch rec.Code {
		case http.StatusCreated:
			var created restapi.Todo
			requireJSON(t, rec, &created, "POST /todos "+body)
			require.Equal(t, int64(1), created.ID)
			require.NotEmpty(t, strings.TrimSpace(created.Title), "a todo with a blank title was created")
			rec = send(t, h, "GET", "/todos/1", "")
			var got restapi.Todo
			requireJSON(t, rec, &got, "GET /todos/1")
			require.Equal(t, created, got, "GET returns what POST said it created")
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			requireError(t, rec, rec.Code, "POST /todos "+body, "errors are JSON")
			require.Empty(t, list(t, h), "a refused body stored something")
		default:
			t.Fatalf("POST /todos %q: want 201, 400 or 413\n%s", body, describe(rec))
		}
	})
}

// One GET served straight to the handler, then over loopback HTTP/1.1 with
// a kept-alive connection: the gap is the HTTP stack and the kernel, not
// your handler. Test handlers with httptest.NewRecorder; it is fast and
// needs no socket.
func BenchmarkGet(b *testing.B) {
	store := restapi.NewStore()
	store.Create(restapi.Todo{Title: "benchmark"})
	h := restapi.NewHandler(store)
	b.Run("handler", func(b *testing.B) {
		req := httptest.NewRequest("GET", "/todos/1", nil)
		b.ReportAllocs()
		for b.Loop() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatal(describe(rec))
			}
		}
	})
	b.Run("loopback", func(b *testing.B) {
		srv := httptest.NewServer(h)
		defer srv.Close()
		c := srv.Client()
		b.ReportAllocs()
		for b.Loop() {
			resp, err := c.Get(srv.URL + "/todos/1")
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body) // drain, so the conn is reused
			resp.Body.Close()
		}
	})
}

// GET /todos for stores of growing size: the list is copied, sorted and
// encoded on every request, so its cost grows with the store — the reason
// real list endpoints paginate (?limit=&after=). MB/s is JSON out.
func BenchmarkList(b *testing.B) {
	for _, n := range []int{10, 1000, 100_000} {
		b.Run(fmt.Sprintf("%d todos", n), func(b *testing.B) {
			store := restapi.NewStore()
			for i := range n {
				store.Create(restapi.Todo{Title: fmt.Sprintf("todo number %d", i), Done: i%2 == 0})
			}
			h := restapi.NewHandler(store)
			req := httptest.NewRequest("GET", "/todos", nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			b.SetBytes(int64(rec.Body.Len()))
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatal(describe(rec))
				}
			}
		})
	}
}
