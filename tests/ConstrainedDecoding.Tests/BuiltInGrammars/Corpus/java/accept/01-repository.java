package com.example.store;

import java.io.IOException;
import java.util.*;
import java.util.function.Function;
import static java.util.Objects.requireNonNull;

/**
 * An in-memory repository keyed by id.
 */
public class Repository<K extends Comparable<K>, V> implements Iterable<V> {
    private final Map<K, V> items = new HashMap<>();
    private int version = 0;

    public Repository() {
        this(16);
    }

    public Repository(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0, was " + capacity);
        }
    }

    public synchronized void put(K key, V value) {
        items.put(requireNonNull(key), value);
        version++;
    }

    public Optional<V> find(K key) {
        return Optional.ofNullable(items.get(key));
    }

    public <R> List<R> mapAll(Function<? super V, ? extends R> f) {
        List<R> out = new ArrayList<>(items.size());
        for (V v : items.values()) {
            out.add(f.apply(v));
        }
        return out;
    }

    @Override
    public Iterator<V> iterator() {
        return items.values().iterator();
    }
}
