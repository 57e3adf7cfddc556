// One-time V8 initialisation, flags and version. The Swift side (Platform) serialises calls.
//
// V8 runs on libplatform's default platform, wrapped so that a task posted for an isolate
// (the end of an async WebAssembly compile, for instance) wakes that isolate's thread: a
// runtime thread parks while idle and would otherwise not see the task until its next job.
#include "internal.h"

#include <memory>
#include <mutex>

namespace {

// Never destroyed: runtime threads may still dispose of isolates while the process exits, and
// static destructors would pull the platform (or the table below) from under them.
v8::Platform *g_default = nullptr;  // libplatform's platform: runs the tasks
v8::Platform *g_waking = nullptr;   // the wrapper V8 is initialised with

// The hosts to wake, by isolate.
struct Hosts {
    std::mutex lock;
    std::unordered_map<v8::Isolate *, cv8_host> table;
};
Hosts &hosts() {
    static Hosts *shared = new Hosts();
    return *shared;
}

void wake(v8::Isolate *isolate) {
    Hosts &all = hosts();
    std::lock_guard<std::mutex> guard(all.lock);
    auto found = all.table.find(isolate);
    if (found != all.table.end() && found->second.wake != nullptr)
        found->second.wake(found->second.context);
}

// Posts to the isolate's real task runner, then wakes the isolate's thread.
class WakingTaskRunner final : public v8::TaskRunner {
  public:
    WakingTaskRunner(std::shared_ptr<v8::TaskRunner> inner, v8::Isolate *isolate)
        : inner_(std::move(inner)), isolate_(isolate) {}

    void PostTask(std::unique_ptr<v8::Task> task) override {
        inner_->PostTask(std::move(task));
        wake(isolate_);
    }
    void PostNonNestableTask(std::unique_ptr<v8::Task> task) override {
        inner_->PostNonNestableTask(std::move(task));
        wake(isolate_);
    }
    // Delayed tasks (GC heuristics) run at the next wake-up after their delay.
    void PostDelayedTask(std::unique_ptr<v8::Task> task, double delay_in_seconds) override {
        inner_->PostDelayedTask(std::move(task), delay_in_seconds);
    }
    void PostNonNestableDelayedTask(std::unique_ptr<v8::Task> task, double delay) override {
        inner_->PostNonNestableDelayedTask(std::move(task), delay);
    }
    void PostIdleTask(std::unique_ptr<v8::IdleTask> task) override {
        inner_->PostIdleTask(std::move(task));
    }
    bool IdleTasksEnabled() override { return inner_->IdleTasksEnabled(); }
    bool NonNestableTasksEnabled() const override { return inner_->NonNestableTasksEnabled(); }
    bool NonNestableDelayedTasksEnabled() const override {
        return inner_->NonNestableDelayedTasksEnabled();
    }

  private:
    std::shared_ptr<v8::TaskRunner> inner_;
    v8::Isolate *isolate_;
};

// Everything as the default platform does it, except the foreground task runners.
class WakingPlatform final : public v8::Platform {
  public:
    explicit WakingPlatform(v8::Platform *inner) : inner_(inner) {}

    std::shared_ptr<v8::TaskRunner> GetForegroundTaskRunner(v8::Isolate *isolate) override {
        return std::make_shared<WakingTaskRunner>(inner_->GetForegroundTaskRunner(isolate),
                                                  isolate);
    }

    v8::PageAllocator *GetPageAllocator() override { return inner_->GetPageAllocator(); }
    void OnCriticalMemoryPressure() override { inner_->OnCriticalMemoryPressure(); }
    bool OnCriticalMemoryPressure(size_t length) override {
        return inner_->OnCriticalMemoryPressure(length);
    }
    int NumberOfWorkerThreads() override { return inner_->NumberOfWorkerThreads(); }
    void CallOnWorkerThread(std::unique_ptr<v8::Task> task) override {
        inner_->CallOnWorkerThread(std::move(task));
    }
    void CallBlockingTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override {
        inner_->CallBlockingTaskOnWorkerThread(std::move(task));
    }
    void CallLowPriorityTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override {
        inner_->CallLowPriorityTaskOnWorkerThread(std::move(task));
    }
    void CallDelayedOnWorkerThread(std::unique_ptr<v8::Task> task, double delay) override {
        inner_->CallDelayedOnWorkerThread(std::move(task), delay);
    }
    bool IdleTasksEnabled(v8::Isolate *isolate) override {
        return inner_->IdleTasksEnabled(isolate);
    }
    std::unique_ptr<v8::JobHandle> PostJob(v8::TaskPriority priority,
                                           std::unique_ptr<v8::JobTask> job_task) override {
        return inner_->PostJob(priority, std::move(job_task));
    }
    double MonotonicallyIncreasingTime() override { return inner_->MonotonicallyIncreasingTime(); }
    double CurrentClockTimeMillis() override { return inner_->CurrentClockTimeMillis(); }
    StackTracePrinter GetStackTracePrinter() override { return inner_->GetStackTracePrinter(); }
    v8::TracingController *GetTracingController() override {
        return inner_->GetTracingController();
    }
    void DumpWithoutCrashing() override { inner_->DumpWithoutCrashing(); }

  private:
    v8::Platform *inner_;
};

}  // namespace

v8::Platform *cv8::platform() { return g_default; }

void cv8::watch_tasks(v8::Isolate *isolate, cv8_host host) {
    Hosts &all = hosts();
    std::lock_guard<std::mutex> guard(all.lock);
    all.table[isolate] = host;
}

void cv8::unwatch_tasks(v8::Isolate *isolate) {
    Hosts &all = hosts();
    std::lock_guard<std::mutex> guard(all.lock);
    all.table.erase(isolate);
}

namespace {

// The shim's defaults, set before the embedder's flags so that theirs override them.
//
// V8 10.2 checks the whole startup snapshot's checksum (adler32 over the blob) in every
// Isolate::New: 1.7 million of a runtime's create + eval + close's 10 million instructions, for
// a blob that is libnode's own read-only data. Later V8 versions check it only in debug builds
// (flag-definitions.h: verify_snapshot_checksum, DEBUG_BOOL). `--verify-snapshot-checksum`
// turns it back on.
void set_defaults() {
    static std::once_flag once;
    std::call_once(once, [] {
        static const char kDefaults[] = "--no-verify-snapshot-checksum";
        v8::V8::SetFlagsFromString(kDefaults, sizeof(kDefaults) - 1);
    });
}

}  // namespace

void cv8_platform_set_flags(const char *flags, size_t length) {
    set_defaults();
    v8::V8::SetFlagsFromString(flags, length);
}

void cv8_platform_initialize(void) {
    set_defaults();
    // JSON modules (`import data from "./x.json" assert { type: "json" }`) need import
    // assertions, which V8 10.2 ships behind this flag; Node 18 sets it as well.
    static const char kModuleFlags[] = "--harmony-import-assertions";
    v8::V8::SetFlagsFromString(kModuleFlags, sizeof(kModuleFlags) - 1);
    // Worker threads for GC and compilation: V8 picks a count from the number of cores.
    g_default = v8::platform::NewDefaultPlatform(0, v8::platform::IdleTaskSupport::kDisabled).release();
    g_waking = new WakingPlatform(g_default);
    v8::V8::InitializePlatform(g_waking);
    v8::V8::Initialize();
}

const char *cv8_platform_version(void) { return v8::V8::GetVersion(); }
