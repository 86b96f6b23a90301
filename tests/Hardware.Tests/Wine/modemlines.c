/* LD_PRELOAD shim for the Wine test: a Linux pseudo-terminal has no modem lines, so TIOCMGET and friends fail
 * with ENOTTY and Wine's serial driver turns that into "Request not supported" when System.IO.Ports opens
 * COM3. Real USB serial adapters have the lines; this answers for the pty (DTR, RTS, CTS, DSR and CD
 * asserted) only where the kernel says the request does not apply. A test-rig artefact, not product code. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/ioctl.h>

static int lines = TIOCM_DTR | TIOCM_RTS | TIOCM_CTS | TIOCM_DSR | TIOCM_CD;

int ioctl(int fd, unsigned long request, ...)
{
    static int (*real_ioctl)(int, unsigned long, ...);
    if (!real_ioctl) real_ioctl = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    int r = real_ioctl(fd, request, arg);
    if (r == -1 && (errno == ENOTTY || errno == EINVAL)
        && (request == TIOCMGET || request == TIOCMSET || request == TIOCMBIS || request == TIOCMBIC)) {
        int *value = (int *)arg;
        if (request == TIOCMGET) *value = lines;
        else if (request == TIOCMSET) lines = *value;
        else if (request == TIOCMBIS) lines |= *value;
        else lines &= ~*value;
        errno = 0;
        return 0;
    }
    return r;
}
