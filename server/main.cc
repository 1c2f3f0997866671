#include <cstdio>
int main() { std::puts("wardsync-server: not built yet"); return 1; }
