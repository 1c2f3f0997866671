// A LevelDB Env that reads table files with pread(2) instead of mapping
// them (LevelDB's default Env maps up to 1,000 of them).
//
// Why: mapped table pages count in the process's RSS (RssFile) for as long
// as they stay mapped, although they are the kernel's page cache: bench S4's
// burst showed 45-58 MB of them in a peak of ~400 MB. Read with pread, the
// same pages stay in the page cache, outside the server's RSS, and the
// blocks read are cached in LevelDB's block cache, which is bounded
// (LevelDbOptions::block_cache_bytes). Costs a system call and a copy per
// block not in that cache.
#pragma once
#include <leveldb/env.h>

namespace wardsync {

// The process's one such Env (over leveldb::Env::Default()); never freed,
// as Env::Default() is not.
leveldb::Env* PreadEnv();

}  // namespace wardsync
