#include <cstdio>
int main() { std::puts("wardsync: not built yet"); return 1; }
