import java.util.List;
import java.util.stream.Collectors;

class Stats {
    record Person(String name, int age) {}

    static double averageAge(List<Person> people) {
        return people.stream()
                .filter(p -> p.age() >= 18)
                .mapToInt(Person::age)
                .average()
                .orElse(0.0);
    }

    static String names(List<Person> people) {
        Runnable r = () -> System.out.println("computing");
        r.run();
        java.util.Comparator<Person> byAge = (a, b) -> Integer.compare(a.age(), b.age());
        return people.stream().sorted(byAge).map(p -> {
            String n = p.name();
            return n.toUpperCase();
        }).collect(Collectors.joining(", "));
    }
}
