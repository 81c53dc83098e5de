// Package main serves a tiny JSON API.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"strconv"
	"sync"
)

type Item struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Price float64
}

type store struct {
	mu    sync.Mutex
	items map[int]Item
	next  int
}

func (s *store) handleItems(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		s.mu.Lock()
		defer s.mu.Unlock()
		list := make([]Item, 0, len(s.items))
		for _, it := range s.items {
			list = append(list, it)
		}
		w.Header().Set("Content-Type", "application/json")
		if err := json.NewEncoder(w).Encode(list); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	case http.MethodPost:
		var it Item
		if err := json.NewDecoder(r.Body).Decode(&it); err != nil {
			http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
			return
		}
		s.mu.Lock()
		s.next++
		it.ID = s.next
		s.items[it.ID] = it
		s.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func main() {
	s := &store{items: map[int]Item{}}
	http.HandleFunc("/items", s.handleItems)
	port := strconv.Itoa(8080)
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
