public enum Operation {
    ADD("+") {
        @Override
        int apply(int a, int b) { return a + b; }
    },
    SUB("-") {
        @Override
        int apply(int a, int b) { return a - b; }
    };

    private final String symbol;

    Operation(String symbol) {
        this.symbol = symbol;
    }

    abstract int apply(int a, int b);

    static Operation parse(char c) {
        switch (c) {
            case '+':
                return ADD;
            case '-':
                return SUB;
            default:
                throw new IllegalStateException("unknown operator: " + c);
        }
    }

    static int weight(Operation op) {
        int w = 0;
        switch (op) {
            case ADD -> w = 1;
            case SUB -> {
                w = 2;
            }
        }
        return w;
    }
}
