/* Undo steps in reverse order of creation. */
#include "event.h"
#include "teardown.h"

struct step {
	char *what;
	teardown_fn fn;
	void *data;
	void (*free_data)(void *);
};

struct teardown {
	struct step *steps;
	size_t n;
};

struct teardown *teardown_new(void)
{
	return xnew0(struct teardown, 1);
}

void teardown_push(struct teardown *t, const char *what, teardown_fn fn, void *data,
		   void (*free_data)(void *))
{
	t->steps = xrealloc(t->steps, (t->n + 1) * sizeof(*t->steps));
	t->steps[t->n++] = (struct step){ xstrdup(what), fn, data, free_data };
}

static void step_release(struct step *s)
{
	if (s->free_data)
		s->free_data(s->data);
	free(s->what);
}

void teardown_pop_forget(struct teardown *t)
{
	if (t->n > 0)
		step_release(&t->steps[--t->n]);
}

int teardown_run_last(struct teardown *t)
{
	if (t->n == 0)
		return 0;
	struct step *s = &t->steps[t->n - 1];
	int r = s->fn(s->data);
	if (r < 0)
		log_error_errno(r, "teardown: %s failed: %m", s->what);
	else
		log_debug("teardown: %s", s->what);
	step_release(s);
	t->n--;
	return r < 0 ? r : 0;
}

int teardown_run(struct teardown *t)
{
	int first = 0;

	while (t->n > 0) {
		int r = teardown_run_last(t);
		if (r < 0 && !first)
			first = r;
	}
	return first;
}

size_t teardown_depth(const struct teardown *t)
{
	return t->n;
}

void teardown_free(struct teardown *t)
{
	if (!t)
		return;
	teardown_run(t);
	free(t->steps);
	free(t);
}
