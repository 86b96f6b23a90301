/* Runs the built firmware (build/rig.elf) in simavr with UART0 on a pseudo-terminal, paced to the
 * wall clock, so the runtime can talk to the real firmware binary without a board:
 *   make -C hardware/firmware simavr-rig && hardware/firmware/build/simavr_rig hardware/firmware/build/rig.elf
 * prints the pty's slave path on its first line. Encoder inputs stay at rest (theta = pi: hanging),
 * the e-stop input is held low (released). Needs libsimavr-dev. */
#include "avr_ioport.h"
#include "parts/uart_pty.h"
#include "sim_avr.h"
#include "sim_elf.h"
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    elf_firmware_t f;
    avr_t *avr;
    uart_pty_t pty;
    double start;
    avr_cycle_count_t paced = 0;

    if (argc != 2) { fprintf(stderr, "usage: %s rig.elf\n", argv[0]); return 2; }
    memset(&f, 0, sizeof f);
    if (elf_read_firmware(argv[1], &f) != 0) { fprintf(stderr, "cannot read %s\n", argv[1]); return 2; }
    strcpy(f.mmcu, "atmega328p");
    f.frequency = 16000000;
    avr = avr_make_mcu_by_name(f.mmcu);
    if (!avr) { fprintf(stderr, "simavr has no atmega328p core\n"); return 2; }
    avr_init(avr);
    avr_load_firmware(avr, &f);

    uart_pty_init(avr, &pty);
    uart_pty_connect(&pty, '0');
    printf("simavr-rig pty: %s\n", pty.port[0].slavename);
    fflush(stdout);

    /* The e-stop's normally-closed switch holds PD7 low while released. Declared as an external
     * level (not a one-off pin write), so simavr's model of the internal pull-up does not win. */
    {
        avr_ioport_external_t e;
        e.name = 'D';
        e.mask = 1 << 7;
        e.value = 0;
        avr_ioctl(avr, AVR_IOCTL_IOPORT_SET_EXTERNAL('D'), &e);
    }
    avr_raise_irq(avr_io_getirq(avr, AVR_IOCTL_IOPORT_GETIRQ('D'), 7), 0);

    start = now_s();
    for (;;) {
        int state = avr_run(avr);
        if (state == cpu_Done || state == cpu_Crashed) { fprintf(stderr, "firmware stopped (state %d)\n", state); return 1; }
        /* pace: the firmware's clocks (control period, watchdog) must match the host's */
        if (avr->cycle - paced >= 16000) { /* every millisecond of AVR time */
            paced = avr->cycle;
            double ahead = (double)avr->cycle / f.frequency - (now_s() - start);
            if (ahead > 0.002) usleep((useconds_t)(ahead * 1e6));
        }
    }
}
