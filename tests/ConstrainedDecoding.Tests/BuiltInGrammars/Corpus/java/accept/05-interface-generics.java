package util;

import java.util.function.BiFunction;

public interface Tree<T extends Comparable<? super T>> {
    int size();

    default boolean isEmpty() {
        return size() == 0;
    }

    static <T extends Comparable<? super T>> Tree<T> empty() {
        return new Tree<T>() {
            @Override
            public int size() { return 0; }
        };
    }

    <R> R fold(R initial, BiFunction<R, ? super T, R> f);
}
