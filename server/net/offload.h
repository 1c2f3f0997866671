// Bridges from a session coroutine to work that must not run on an io
// thread: store reads (on a thread pool) and the group committer (its own
// thread). The coroutine resumes on its own executor (its strand).
#pragma once
#include <asio.hpp>
#include <memory>

#include "server/ingest/group_committer.h"

namespace wardsync::server {

// Runs f() on `pool` and resumes the awaiting coroutine on its own executor
// with the result. Plain functions returning awaitables, not coroutines:
// GCC 12 miscompiles lambdas that capture coroutine parameters.
//
// GCC 12 double-frees the captures of a lambda written inside a co_await
// expression: callers create the lambda as a named local and pass it here.
template <typename F>
auto Offload(asio::thread_pool& pool, const F& f) {
  using R = decltype(f());
  return asio::async_initiate<decltype(asio::use_awaitable), void(R)>(
      [&pool](auto handler, F fn) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        asio::post(pool, [shared, fn = std::move(fn)]() mutable {
          R r = fn();
          auto ex = asio::get_associated_executor(*shared);
          asio::post(ex, [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
        });
      },
      asio::use_awaitable, F(f));
}

// Submits to the committer and waits until the outcome is durable.
inline auto SubmitAndWait(GroupCommitter& committer, const Submission& s) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(SubmissionResult)>(
      [&committer](auto handler, Submission sub) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        committer.Submit(std::move(sub), [shared](SubmissionResult r) {
          auto ex = asio::get_associated_executor(*shared);
          asio::post(ex, [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
        });
      },
      asio::use_awaitable, Submission(s));
}

// Runs task(ingestor) on the committer thread (serialized with every write)
// and returns its result.
template <typename F>
auto RunExclusive(GroupCommitter& committer, const F& task) {
  using R = decltype(task(std::declval<Ingestor&>()));
  return asio::async_initiate<decltype(asio::use_awaitable), void(R)>(
      [&committer](auto handler, F t) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        committer.RunExclusive([shared, t = std::move(t)](Ingestor& ing) {
          R r = t(ing);
          auto ex = asio::get_associated_executor(*shared);
          asio::post(ex, [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
        });
      },
      asio::use_awaitable, F(task));
}

}  // namespace wardsync::server
