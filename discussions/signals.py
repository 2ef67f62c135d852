"""What the discussions' services tell the rest of the app (the email notifications).

Sent inside the change's transaction: a receiver's writes commit or roll back with it, and
anything slow (the emails) it queues for the commit, so a post that rolls back tells nobody.
"""

from django.dispatch import Signal

# A post was added to a thread (the thread's first post too). Arguments: post, notify
# (False for demo data: nobody is to be emailed of it).
post_added = Signal()
