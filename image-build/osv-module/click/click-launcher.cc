// click-launcher.so: runs Click (/usr/bin/click in the image) inside OSv with its error output in
// /click_errors.txt. OSv runs every program in one address space, as a shared object: Click writes its
// errors to stderr, and the management API (and the osv-controlsocket agent of click-osv-vnfm) reads them
// from that file. The image holds this launcher under two names:
//   /click-launcher.so  the boot command (module.py): runs Click, then never returns. OSv powers off when
//                       the boot command ends, which would stop the REST API with Click (the VNFM stops
//                       Click with the ControlSocket's `stop` before it writes a new /func.click).
//   /click              what the VNFM runs with PUT /app/?command=/click -R -p 8001 /func.click: runs
//                       Click and returns its exit status.
// Each run reopens stderr on /click_errors.txt: the file API replaces the file (a new file renamed over it)
// when the VNFM empties it, so an earlier run's descriptor would point at the old, unlinked file.
#include <osv/app.hh>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>
#include <unistd.h>

static const char CLICK[] = "/usr/bin/click";
static const char ERRORS[] = "/click_errors.txt";

static bool boot_command(const char* argv0)
{
    const char* base = strrchr(argv0, '/');
    return strcmp(base ? base + 1 : argv0, "click-launcher.so") == 0;
}

static int run_click(int argc, char** argv, bool boot)
{
    // at boot a fresh log; a later run appends to the file the VNFM has just emptied
    if (!freopen(ERRORS, boot ? "w" : "a", stderr)) {
        printf("click-launcher: cannot open %s: %s\n", ERRORS, strerror(errno));
    }
    setvbuf(stderr, nullptr, _IONBF, 0);
    std::vector<std::string> args{"click"};
    args.insert(args.end(), argv + 1, argv + argc);
    try {
        // in a thread of its own, whose thread-local storage is laid out with Click loaded
        auto app = osv::application::run(CLICK, args);
        return app->join();
    } catch (const std::exception& e) {
        fprintf(stderr, "click-launcher: cannot run %s: %s\n", CLICK, e.what());
        return 127;
    }
}

int main(int argc, char** argv)
{
    bool boot = argc > 0 && boot_command(argv[0]);
    int ret = run_click(argc, argv, boot);
    if (!boot) {
        return ret;
    }
    printf("click-launcher: Click exited with status %d; the REST API stays up (PUT /app/ starts Click)\n", ret);
    for (;;) {
        sleep(3600);
    }
}
