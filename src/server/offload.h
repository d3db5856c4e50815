// Runs blocking work (disk I/O) on a thread pool and resumes the awaiting coroutine on its own
// executor with the result, so the network threads never block.
#pragma once

// Boost 1.74's awaitable.hpp uses std::exchange without including <utility>.
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>

namespace flyte::server {

// `work` must outlive the await (callers pass a named local: GCC 12 destroys temporaries inside a
// co_await expression twice).
template <class T>
boost::asio::awaitable<T> Offload(boost::asio::thread_pool& pool, const std::function<T()>& work) {
  namespace asio = boost::asio;
  auto initiation = [&pool, &work](auto handler) {
    auto shared = std::make_shared<decltype(handler)>(std::move(handler));
    asio::post(pool, [shared, &work] {
      auto executor = asio::get_associated_executor(*shared);
      asio::post(executor, [shared, result = work()]() mutable { (*shared)(std::move(result)); });
    });
  };
  T result = co_await asio::async_initiate<decltype(asio::use_awaitable), void(T)>(initiation, asio::use_awaitable);
  co_return result;
}

}  // namespace flyte::server
