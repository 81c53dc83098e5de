abstract class Shape implements Comparable<Shape> {
    protected final String name;

    protected Shape(String name) { this.name = name; }

    public abstract double area();

    @Override
    public int compareTo(Shape other) {
        return Double.compare(area(), other.area());
    }
}

class Circle extends Shape {
    private final double r;

    Circle(double r) {
        super("circle");
        this.r = r;
    }

    @Override
    public double area() { return Math.PI * r * r; }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Circle)) return false;
        if (o instanceof Circle c && c.r == r) {
            return true;
        } else {
            return false;
        }
    }
}
