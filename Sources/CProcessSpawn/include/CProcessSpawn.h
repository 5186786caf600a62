#ifndef PARETOPILOT_CPROCESSSPAWN_H
#define PARETOPILOT_CPROCESSSPAWN_H

#include <sys/types.h>

/// Starts `/bin/sh -c command` as the leader of a new process group, with close-on-exec pipes for
/// its standard streams and every other descriptor closed in the child. On success returns 0 and
/// fills the child's pid and the parent's ends of the pipes; otherwise returns an errno value.
int paretopilot_spawn_shell(const char *command, char *const environment[], pid_t *pid,
                            int *stdin_write, int *stdout_read, int *stderr_read);

#endif
