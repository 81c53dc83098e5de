package main

funcmain() {
}
