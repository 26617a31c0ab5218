/* insn_count.c: a TCG plugin for Debian 12's qemu-user (QEMU 7.2, plugin
 * API version 1) that counts the guest instructions a program executes and
 * prints "insns: N" on stderr at exit. Debian ships no plugins and no
 * qemu-plugin.h, so the five entry points used are declared here as QEMU
 * 7.2's include/qemu/qemu-plugin.h declares them. Used by tests/bench/cross.sh:
 *   cc -shared -fPIC -O2 -o insn_count.so insn_count.c
 *   qemu-mipsel -plugin ./insn_count.so ./atlwho-static-mipsel ...
 * Each translated block adds its instruction count to one counter when it
 * runs (an inline add, no callback), so a block left early by a fault would
 * be over-counted; atlwho takes no faults. One counter: qemu-user runs each
 * guest thread on its own host thread, and atlwho has one. */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_info_t;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
    void (*cb)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb));
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb,
    enum qemu_plugin_op op, void *ptr, uint64_t imm);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id,
    void (*cb)(qemu_plugin_id_t id, void *userdata), void *userdata);

#define EXPORT __attribute__((visibility("default")))
EXPORT int qemu_plugin_version = 1;
EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
    const struct qemu_info_t *info, int argc, char **argv);

static uint64_t insns;

static void on_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
	    &insns, qemu_plugin_tb_n_insns(tb));
}

static void at_exit_cb(qemu_plugin_id_t id, void *userdata)
{
	(void)id;
	(void)userdata;
	fprintf(stderr, "insns: %" PRIu64 "\n", insns);
}

int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info,
    int argc, char **argv)
{
	(void)info;
	(void)argc;
	(void)argv;
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_trans);
	qemu_plugin_register_atexit_cb(id, at_exit_cb, NULL);
	return 0;
}
